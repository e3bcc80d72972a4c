"""No lock-outs (runs.py has the shared pieces): a `make run` that dies while it holds the
run lock (files moved out of landing, their runs not started) leaves nothing held and nothing
lost."""

from pathlib import Path

import pytest

from pipelines.make_run.driver import WAITING_FOR_ANOTHER_RUN
from sources.programme_records import faults
from tests.conftest import deliver_one_record
from tests.pipelines.resilience.runs import SAMPLE_PROGRAMMES, published_programmes, run_cli

pytestmark = pytest.mark.heavy


def test_a_run_killed_before_its_ingest_run_leaves_the_delivery_to_the_next(env):
    deliver_one_record(Path(env["LT_LANDING_DIR"]), "late-partner", "GBR-GONE-0001")
    killed = {**env, faults.FAULT_ENV: "ingest.before_run", faults.MODE_ENV: "exit"}
    code, output = run_cli(killed).finish()
    assert code == 137, output  # ended at once, like kill -9, holding the landing lock
    assert "1 file(s) to load" in output and "loaded: 1 rows" not in output
    code, output = run_cli(env).finish()
    assert code == 0, output
    assert WAITING_FOR_ANOTHER_RUN not in output  # the dead process's lock went with it
    assert output.count("ingest late-partner/one_record.csv") == 1  # asked for again, once
    assert published_programmes(env) == SAMPLE_PROGRAMMES + 1
