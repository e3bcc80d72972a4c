"""The project's Dagster instance, opened by one process at a time.

Opening a Dagster instance on SQLite storage creates its tables when they are missing; two
commands started together on a fresh DAGSTER_HOME would both create them, and one fails
("table ... already exists"). A lock file in DAGSTER_HOME serialises the opening only.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import dagster as dg

LOCK_FILE = ".instance-open.lock"


def open_instance() -> dg.DagsterInstance:
    """`DagsterInstance.get()`, holding DAGSTER_HOME's lock file while the storage is set up."""
    home = Path(os.environ.get("DAGSTER_HOME") or ".").resolve()
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return dg.DagsterInstance.get()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
