"""The Dagster path on the shared warehouse (LT_WAREHOUSE_BACKEND=lake, a real PostgreSQL
catalog): the landing sensor's deliveries are ingested into the lake, then build_warehouse
builds the programme marts at the lake's head (dbt tests and GE checks there) and its publish
step records the snapshot the build ended at; readers attached at the published snapshot, and
the published copy written from it, hold the marts. A build whose check fails publishes
nothing: readers stay on the snapshot published before it."""

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.make_run.driver import build, ingest, record_entries, tick_landing_sensor
from pipelines.settings import Settings
from pipelines.warehouse import lake
from pipelines.warehouse.dbt_assets import warehouse_dbt_assets
from pipelines.warehouse.publish import published_warehouse
from tests.conftest import drop_sample_files
from tests.pipelines.in_memory import in_memory_instance

pytestmark = pytest.mark.heavy

MARTS = [dg.AssetKey(["marts", m]) for m in ("dim_programme", "fct_programme_actor")]
DELIVERED = ("ghana_and_partners.json", "late_submissions_2024.csv")  # 10 + 3 good rows


def _selection(defs) -> list[dg.AssetKey]:
    upstream = dg.AssetSelection.assets(*MARTS).upstream().resolve(defs.resolve_asset_graph())
    return [k for k in upstream if k in warehouse_dbt_assets.keys] + [published_warehouse.key]


def test_ingest_build_and_publish_through_dagster_on_the_lake(settings, new_lake, monkeypatch):
    lake_settings = new_lake("lake_dagster")
    monkeypatch.setenv("LT_WAREHOUSE_BACKEND", "lake")
    monkeypatch.setenv("LT_LAKE_CATALOG_DSN", lake_settings.catalog_dsn)
    monkeypatch.setenv("LT_LAKE_DATA_PATH", str(lake_settings.data_path))
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    defs = build_definitions(Settings.from_env())
    drop_sample_files(settings.landing_dir, *DELIVERED)
    with in_memory_instance() as instance:
        requests = tick_landing_sensor(defs, instance).run_requests
        ingests = [r for r in requests if r.job_name == "ingest_programme_records"]
        assert len(ingests) == len(DELIVERED)
        for request in ingests:
            assert ingest(defs, instance, request, "ERROR").success
        assert record_entries(defs, instance, "ERROR").success  # the journal, into the lake
        result = build(defs, instance, "ERROR", asset_keys=_selection(defs))
        assert result.success
        failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
        assert not failed
        run = instance.get_run_by_id(result.run_id)
        built_at = int(run.tags[lake.SNAPSHOT_TAG])

        # A raw row that breaks a blocking test of dim_programme (it ends before it starts),
        # written past the loader: the next build fails its checks and publishes nothing.
        writer = lake.connect(lake_settings)
        writer.execute(
            "INSERT INTO raw.programme_records SELECT * REPLACE ('BAD-1' AS programme_ref, "
            "'2020' AS start_year, '2010' AS end_year) FROM raw.programme_records LIMIT 1"
        )
        writer.close()
        models = [k for k in _selection(defs) if k.path[0] not in ("codebook", "reference")]
        failed_build = build(defs, instance, "ERROR", asset_keys=models)  # seeds are built
        assert not failed_build.success

    assert not settings.warehouse_path.exists()  # no embedded file, no candidate copy
    head = lake.connect(lake_settings, read_only=True)
    assert lake.published_snapshot(head) == built_at  # recorded after the checks passed
    head.close()
    reader = lake.connect(lake_settings, published=True)
    try:
        assert reader.execute("SELECT count(*) FROM raw.programme_records").fetchone() == (13,)
        programmes = reader.execute("SELECT * FROM marts.dim_programme ORDER BY ALL").fetchall()
    finally:
        reader.close()
    assert len(programmes) == 13  # not BAD-1: the failed build is not published
    published = duckdb.connect(str(settings.publish_dir / "learning_teams.duckdb"), read_only=True)
    try:  # the BI copy and Parquet files, written from the published snapshot
        assert published.execute("SELECT * FROM marts.dim_programme ORDER BY ALL").fetchall() == (
            programmes
        )
    finally:
        published.close()
    assert (settings.publish_dir / "parquet" / "dim_programme.parquet").is_file()
