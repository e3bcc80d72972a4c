"""No lock-outs (runs.py has the shared pieces)."""

from pathlib import Path

import duckdb

from tests.conftest import drop_sample_files
from tests.pipelines.resilience.runs import published_programmes, run_cli


def test_two_runs_started_together_both_succeed_with_nothing_lost(env):
    drop_sample_files(Path(env["LT_LANDING_DIR"]))
    runs = [run_cli(env, "--no-sample") for _ in range(2)]
    results = [r.finish() for r in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert published_programmes(env) == 42
    con = duckdb.connect(env["LT_WAREHOUSE_PATH"], read_only=True)
    files = con.execute("SELECT count(*) FROM raw.programme_record_files").fetchone()[0]
    con.close()
    assert files == 4
