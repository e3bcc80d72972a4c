"""dbt as a subprocess on a temporary warehouse, and read-only queries of it (for the tests that
build with the dbt CLI rather than through Dagster)."""

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb

from pipelines.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

_state: Path | None = None


def _state_dir() -> Path:
    """This test process's dbt target folder (its parse state), removed when the process ends."""
    global _state
    if _state is None:
        _state = Path(tempfile.mkdtemp(prefix="lt-dbt-state-"))
        atexit.register(shutil.rmtree, _state, True)
    return _state


def dbt(args, path, project_dir=DBT_PROJECT_DIR):
    """dbt on the warehouse at `path`, its logs beside it, never in the project's own target/
    (which the test session's Definitions read).

    On the project itself, every call of a test process gives dbt the same path (a link to
    `path`'s folder, as the pipeline's builds do) and the same target folder, so dbt parses the
    project once per process and then only what changed; a path of its own per call would change
    dbt's profile and make it parse everything again (~3.5 s). A copied project gets a target
    folder of its own beside the warehouse."""
    path = Path(path)
    scratch = path.parent
    target = scratch / "target"
    if Path(project_dir) == DBT_PROJECT_DIR:
        target = _state_dir() / "target"
        link = _state_dir() / "active"
        link.unlink(missing_ok=True)
        link.symlink_to(scratch.resolve(), target_is_directory=True)
        path = link / path.name
    env = {**os.environ, "LT_WAREHOUSE_PATH": str(path), "DO_NOT_TRACK": "1"}
    return subprocess.run(
        [DBT_EXECUTABLE, *args, "--project-dir", str(project_dir)]
        + ["--profiles-dir", str(project_dir)]
        + ["--target-path", str(target), "--log-path", str(scratch / "logs")],
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
