"""No lock-outs (runs.py has the shared pieces)."""

import re
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import drop_sample_files
from tests.pipelines.resilience.runs import HOLD_SCRIPT, published_programmes, run_cli


def test_a_reader_holding_the_live_file_delays_but_does_not_lose_a_load(env):
    live = Path(env["LT_WAREHOUSE_PATH"])
    live.parent.mkdir(parents=True)
    duckdb.connect(str(live)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(live)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    drop_sample_files(Path(env["LT_LANDING_DIR"]), "ghana_and_partners.json")
    run = run_cli(env, "--no-sample")
    run.wait_for("is locked by another process")  # it waits, and says why
    assert "loaded: 10 rows" not in run.output()  # nothing loaded while the reader holds it
    holder.communicate("go\n", timeout=30)  # the reader lets go ...
    code, output = run.finish()
    assert code == 0, output  # ... and the load goes on, nothing lost
    assert re.search(r"ingest \S*ghana_and_partners\.json \.+ +[0-9.]+s  loaded: 10 rows", output)
    assert published_programmes(env) == 10
