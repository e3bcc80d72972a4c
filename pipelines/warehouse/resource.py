"""The DuckDB warehouse resource and the pool every DuckDB-writing step runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb  # noqa: F401 - the connection type in signatures

from .. import progress
from .lock import connect_waiting

# Every asset and check that opens the warehouse file runs in this pool. The instance's
# dagster.yaml gives every pool a limit of 1: DuckDB allows one writing process at a time,
# and a reader fails on the lock while another process writes.
WAREHOUSE_POOL = "duckdb_warehouse"


def _on_wait(message: str, log) -> None:
    if log is not None:
        log.warning(message)
    progress.notify(message)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse: the live file (raw layer + the last promoted dbt build), the
    candidate builds (one per build run, promoted only when every blocking check passed) and the
    published copy. Connections are opened and closed inside ops, never at import."""

    database_path: str
    publish_dir: str
    builds_dir: str = ""
    log_dir: str = ""
    lock_wait_seconds: float = 300.0

    @property
    def log_path(self) -> Path:
        """Where detailed logs go (dbt's per-node output, one file per run)."""
        return Path(self.log_dir) if self.log_dir else self.live_path.parent / "logs"

    @property
    def live_path(self) -> Path:
        return Path(self.database_path)

    def candidate_path(self, run_id: str) -> Path:
        """The candidate build of a run: a copy of the live file that dbt builds into."""
        builds = Path(self.builds_dir) if self.builds_dir else self.live_path.parent / "builds"
        return builds / run_id / self.live_path.name

    def path_for_run(self, run_id: str) -> Path:
        """What a run's checks read: its candidate build if it made one, else the live file."""
        candidate = self.candidate_path(run_id)
        return candidate if candidate.exists() else self.live_path

    @contextmanager
    def connect(
        self, read_only: bool = False, path: Path | None = None, log=None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the live file (or `path`), waiting while another process holds its lock."""
        path = path or self.live_path
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = connect_waiting(
            path,
            read_only=read_only,
            wait_seconds=self.lock_wait_seconds,
            on_wait=lambda message, _pause: _on_wait(message, log),
        )
        try:
            yield con
        finally:
            con.close()
