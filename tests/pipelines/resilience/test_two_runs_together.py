"""No lock-outs (runs.py has the shared pieces)."""

from pathlib import Path

import duckdb
import pytest

from pipelines.make_run.driver import WAITING_FOR_ANOTHER_RUN
from tests.conftest import deliver_one_record
from tests.pipelines.resilience.runs import SAMPLE_PROGRAMMES, published_programmes, run_cli

pytestmark = pytest.mark.heavy


def test_two_runs_started_together_both_succeed_with_nothing_lost(env):
    """Both succeed; the second waits for the first, so nothing is loaded or built twice."""
    landing = Path(env["LT_LANDING_DIR"])
    for number in (1, 2):
        deliver_one_record(landing, f"partner-{number}", f"GBR-TWO-000{number}")
    runs = [run_cli(env) for _ in range(2)]
    results = [r.finish() for r in runs]
    assert [code for code, _ in results] == [0, 0], results
    outputs = "\n".join(output for _, output in results)
    for number in (1, 2):  # each delivery loaded by one of them, once
        assert outputs.count(f"ingest partner-{number}/one_record.csv") == 1, outputs
    # one after the other: the second waited, then had nothing left to load or build
    assert outputs.count(WAITING_FOR_ANOTHER_RUN) == 1, outputs
    assert outputs.count("] build (") == 1 and "dbt not run" in outputs, outputs
    assert published_programmes(env) == SAMPLE_PROGRAMMES + 2
    con = duckdb.connect(env["LT_WAREHOUSE_PATH"], read_only=True)
    files = con.execute("SELECT count(*) FROM raw.programme_record_files").fetchone()[0]
    con.close()
    assert files == 4 + 2  # the sample's four and the two new ones, each once
