"""dbt as a subprocess on a temporary warehouse, and read-only queries of it (for the tests that
build with the dbt CLI rather than through Dagster)."""

import os
import subprocess
from pathlib import Path

import duckdb

from pipelines.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR


def dbt(args, path, project_dir=DBT_PROJECT_DIR):
    """dbt on the warehouse at `path`, its target and logs beside it (never the project's own
    target/, which the test session's Definitions read)."""
    env = {**os.environ, "LT_WAREHOUSE_PATH": str(path), "DO_NOT_TRACK": "1"}
    scratch = Path(path).parent
    return subprocess.run(
        [DBT_EXECUTABLE, *args, "--project-dir", str(project_dir)]
        + ["--profiles-dir", str(project_dir)]
        + ["--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")],
        env=env,
        capture_output=True,
        text=True,
    )


def query(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
