"""Opening the DuckDB warehouse when another process may hold it.

DuckDB lets one process write a file, and a process that has it open (even read-only) blocks
every writer. Opening therefore waits with exponential backoff while the file is locked by
another process (an analyst's session, a dbt process left behind by a killed run), up to a
configurable time, and then fails with a message that says who holds the lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

LOCK_MESSAGE = "Could not set lock on file"
log = logging.getLogger(__name__)


class WarehouseLocked(RuntimeError):
    """The warehouse stayed locked by another process for the whole wait."""


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and LOCK_MESSAGE in str(exc)


def connect_waiting(
    path: Path,
    *,
    read_only: bool = False,
    wait_seconds: float = 300.0,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
    on_wait: Callable[[str, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, retrying while another process holds the file's lock."""
    deadline = time.monotonic() + wait_seconds
    delay = first_delay
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            holder = str(exc).split("Conflicting lock is held in", 1)[-1].strip().split("\n")[0]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseLocked(
                    f"{path.name} stayed locked for {wait_seconds:.0f}s by another process "
                    f"({holder}). Close that process (analysts and BI tools should read the "
                    "published copy, never the live file), then retry."
                ) from exc
            pause = min(delay, max_delay, remaining)
            message = (
                f"{path.name} is locked by another process ({holder}); retrying in {pause:.1f}s"
            )
            (on_wait or (lambda m, _p: log.warning(m)))(message, pause)
            sleep(pause)
            delay *= 2
