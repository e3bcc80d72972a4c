"""The warehouse resource (the embedded DuckDB file, or the shared DuckLake) and the pool every
warehouse-writing step runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb  # noqa: F401 - the connection type in signatures

from ..make_run import progress
from ..settings import EMBEDDED, LAKE, warehouse_backend
from .lake import LakeSettings
from .lake import connect as connect_lake
from .lock import connect_waiting

# Every asset and check that opens the warehouse file runs in this pool. The instance's
# dagster.yaml gives every pool a limit of 1: DuckDB allows one writing process at a time,
# and a reader fails on the lock while another process writes.
WAREHOUSE_POOL = "duckdb_warehouse"


def ingest_pool() -> str | None:
    """The pool of a step that writes only its own delivery's raw rows (the programme-records
    ingest and its check): the one-slot warehouse pool on the embedded file; none on the lake
    (LT_WAREHOUSE_BACKEND=lake), where ingests run side by side and each commits its own
    snapshot (DuckLake retries a raced commit; sources/transactions.py re-runs a conflicting
    one), so no file lock or writer pool is needed there."""
    return None if warehouse_backend() == LAKE else WAREHOUSE_POOL


def _on_wait(message: str, log) -> None:
    if log is not None:
        log.warning(message)
    progress.notify(message)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse: the live file (raw layer + the last promoted dbt build), the
    candidate builds (one per build run, promoted only when every blocking check passed) and the
    published copy. Connections are opened and closed inside ops, never at import.

    With `backend="lake"` the live warehouse is the shared DuckLake (catalog in PostgreSQL at
    `lake_catalog_dsn`, Parquet under `lake_data_path`): `connect()` attaches it at its head, so
    the same loaders write their raw tables there."""

    database_path: str
    publish_dir: str
    builds_dir: str = ""
    log_dir: str = ""
    lock_wait_seconds: float = 300.0
    backend: str = EMBEDDED
    lake_catalog_dsn: str = ""
    lake_data_path: str = ""

    @property
    def is_lake(self) -> bool:
        return self.backend == LAKE

    def lake_settings(self) -> LakeSettings:
        return LakeSettings(self.lake_catalog_dsn, Path(self.lake_data_path))

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
        """Open the live file (or `path`), waiting while another process holds its lock; on the
        lake (no `path`), attach the lake at its head (no lock to wait for)."""
        if self.is_lake and path is None:
            con = connect_lake(self.lake_settings(), read_only=read_only)
            try:
                yield con
            finally:
                con.close()
            return
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
