"""Dagster resources: the DuckDB warehouse and the landing/archive folders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from .settings import DBT_EXECUTABLE, Settings

# Every asset and check that opens the warehouse file runs in this pool. The instance's
# dagster.yaml gives every pool a limit of 1: DuckDB allows one writing process at a time,
# and a reader fails on the lock while another process writes.
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Connections are opened and closed inside ops, never at import."""

    database_path: str
    publish_dir: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = Path(self.database_path)
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class LandingResource(dg.ConfigurableResource):
    """Where organisations drop programme-records files, and the content-addressed archive."""

    landing_dir: str
    archive_dir: str
    settle_seconds: float = 2.0

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def archive_path(self) -> Path:
        return Path(self.archive_dir)


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    from dagster_dbt import DbtCliResource

    from .assets.dbt_warehouse import dbt_project

    return {
        "warehouse": WarehouseResource(
            database_path=str(settings.warehouse_path), publish_dir=str(settings.publish_dir)
        ),
        "landing": LandingResource(
            landing_dir=str(settings.landing_dir),
            archive_dir=str(settings.archive_dir),
            settle_seconds=settings.landing_settle_seconds,
        ),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    }
