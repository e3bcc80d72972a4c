"""Choosing the warehouse backend (LT_WAREHOUSE_BACKEND): the embedded file stays the default,
the lake needs its catalog, and the Dagster build stage refuses the lake instead of building a
stale embedded copy. (Loads and builds on a real lake: tests/pipelines/programme_records/
test_lake_ingest.py and tests/dbt/test_lake.py.)"""

import dagster as dg
import pytest

from pipelines.resources import lake_fields
from pipelines.settings import EMBEDDED, LAKE, Settings
from pipelines.warehouse.candidate import LAKE_BUILD_REFUSED, prepare_candidate
from pipelines.warehouse.resource import WAREHOUSE_POOL, WarehouseResource, ingest_pool


def test_the_embedded_file_is_the_default(settings, monkeypatch):
    monkeypatch.delenv("LT_WAREHOUSE_BACKEND", raising=False)
    assert Settings.from_env().warehouse_backend == EMBEDDED
    assert lake_fields(Settings.from_env()) == {}
    assert ingest_pool() == WAREHOUSE_POOL  # one writer at a time on the file


def test_the_lake_needs_its_catalog_and_frees_the_ingest_from_the_writer_pool(
    settings, monkeypatch, tmp_path
):
    monkeypatch.setenv("LT_WAREHOUSE_BACKEND", "lake")
    monkeypatch.delenv("LT_LAKE_CATALOG_DSN", raising=False)
    with pytest.raises(ValueError, match="LT_LAKE_CATALOG_DSN is not set"):
        lake_fields(Settings.from_env())
    monkeypatch.setenv("LT_LAKE_CATALOG_DSN", "dbname=lake host=db.internal")
    monkeypatch.setenv("LT_LAKE_DATA_PATH", str(tmp_path / "lake"))
    assert lake_fields(Settings.from_env()) == {
        "backend": LAKE,
        "lake_catalog_dsn": "dbname=lake host=db.internal",
        "lake_data_path": str(tmp_path / "lake"),
    }
    assert ingest_pool() is None


def test_an_unknown_backend_is_refused(settings, monkeypatch):
    monkeypatch.setenv("LT_WAREHOUSE_BACKEND", "postgres")
    with pytest.raises(ValueError, match="use embedded or lake"):
        Settings.from_env()


def test_the_dagster_build_stage_refuses_the_lake(tmp_path):
    warehouse = WarehouseResource(
        database_path=str(tmp_path / "learning_teams.duckdb"),
        publish_dir=str(tmp_path / "published"),
        backend=LAKE,
        lake_catalog_dsn="dbname=lake",
        lake_data_path=str(tmp_path / "lake"),
    )
    with pytest.raises(dg.Failure) as refused:
        prepare_candidate(None, warehouse)
    assert refused.value.description == LAKE_BUILD_REFUSED
    assert not (tmp_path / "builds").exists()
