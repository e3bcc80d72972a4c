"""The project's Dagster instance, opened by one process at a time.

Opening a Dagster instance on SQLite storage creates its tables when they are missing; two
commands started together on a fresh DAGSTER_HOME would both create them, and one fails
("table ... already exists"). A lock file in DAGSTER_HOME serialises the opening only.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg

LOCK_FILE = ".instance-open.lock"
INSTANCE_HOMES = {"local": "dagster_home", "production": "deploy/production"}


def default_dagster_home() -> Path:
    """The DAGSTER_HOME that LT_DAGSTER_INSTANCE selects: `local` (default; SQLite beside the
    dagster.yaml in dagster_home/) or `production` (PostgreSQL, deploy/production/dagster.yaml)."""
    from .settings import REPO_ROOT

    name = (os.environ.get("LT_DAGSTER_INSTANCE") or "local").strip().lower()
    if name not in INSTANCE_HOMES:
        raise ValueError(f"LT_DAGSTER_INSTANCE={name!r}: use one of {', '.join(INSTANCE_HOMES)}")
    return REPO_ROOT / INSTANCE_HOMES[name]


def open_instance() -> dg.DagsterInstance:
    """`DagsterInstance.get()`, holding DAGSTER_HOME's lock file while the storage is set up."""
    import dagster as dg

    home = Path(os.environ.get("DAGSTER_HOME") or ".").resolve()
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return dg.DagsterInstance.get()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
