"""No lock-outs (runs.py has the shared pieces)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import deliver_one_record
from tests.pipelines.resilience.runs import (
    HOLD_SCRIPT,
    SAMPLE_PROGRAMMES,
    published_programmes,
    run_cli,
)

pytestmark = pytest.mark.heavy


def test_a_reader_holding_the_live_file_delays_but_does_not_lose_a_load(env):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, env["LT_WAREHOUSE_PATH"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    deliver_one_record(Path(env["LT_LANDING_DIR"]), "held-partner", "GBR-HELD-0001")
    run = run_cli(env)
    run.wait_for("is locked by another process")  # it waits, and says why
    assert "loaded: 1 rows" not in run.output()  # nothing loaded while the reader holds it
    holder.communicate("go\n", timeout=30)  # the reader lets go ...
    code, output = run.finish()
    assert code == 0, output  # ... and the load goes on, nothing lost
    assert re.search(r"ingest held-partner/one_record\.csv \.+ +[0-9.]+s  loaded: 1 rows", output)
    assert published_programmes(env) == SAMPLE_PROGRAMMES + 1
