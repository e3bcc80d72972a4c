"""Each source alone builds and publishes: a warehouse holding only literature, only sector
plans or only programme records goes through build_warehouse and is published. The build
selects the core mart of every source (dim_programme and the programme marts with their GE
suites, dim_publication, dim_sector_plan) and all they read, with the dbt tests on them; the
theme-coding marts are left out to keep it fast (tests/dbt/test_literature_models.py builds them
on empty raw tables). The empty sources' checks are warnings; the loaded source's stay blocking."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.local_run import build
from pipelines.warehouse.dbt_assets import warehouse_dbt_assets
from pipelines.warehouse.publish import published_warehouse
from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from sources.literature.loader import load_literature_pages
from sources.sector_plans.catalogue import load_catalogue_export
from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.documents import download_and_extract
from sources.static_server import serve_folder
from tests.dbt.literature_build import DEMO as LITERATURE_DEMO
from tests.pipelines.sector_plans.conftest import DEMO_SITE, plan_env
from tests.sources.programme_records.helpers import load as load_programme_records
from tests.sources.sector_plans.conftest import REPO_ROOT

PROGRAMME_SAMPLE = REPO_ROOT / "sample_data" / "programme_records" / "ghana_and_partners.json"
PLANS_EXPORT = REPO_ROOT / "sample_data" / "sector_plans" / "planipolis_catalogue_export.csv"
PROGRAMME_WARNINGS = {"not_empty_dim_programme_", "ge_dim_programme"}
CORE_MARTS = [
    dg.AssetKey(["marts", m])
    for m in (
        "dim_programme",
        "fct_programme_actor",
        "fct_country_summary",
        "dim_publication",
        "dim_sector_plan",
    )
]


def _selection(defs):
    graph = defs.resolve_asset_graph()
    upstream = dg.AssetSelection.assets(*CORE_MARTS).upstream().resolve(graph)
    return [k for k in upstream if k in warehouse_dbt_assets.keys] + [published_warehouse.key]


def _literature(con, _base_url, _store):
    load_literature_pages(con, LITERATURE_DEMO)


def _plans(con, base_url, store):
    from sources.http_client import HttpConfig, PoliteClient

    load_catalogue_export(con, PLANS_EXPORT, base_url=base_url)
    client = PoliteClient(config=HttpConfig(min_interval_seconds=0, max_retries=0))
    settings = PlanipolisSettings(base_url=base_url, not_pdf_retries=0)
    assert download_and_extract(con, client, store, settings).pages > 0


def _programme_records(con, _base_url, _store):
    assert load_programme_records(con, PROGRAMME_SAMPLE).rows_loaded > 0


@pytest.fixture(scope="module")
def builds_dir(tmp_path_factory):
    """One builds folder for the three warehouses: dbt parses the project once (its parse
    state is kept there) and the later builds parse nothing."""
    return tmp_path_factory.mktemp("builds")


def _publish_alone(tmp_path, monkeypatch, load, builds_dir):
    with serve_folder(DEMO_SITE) as base_url:
        settings = plan_env(tmp_path, monkeypatch, base_url, all_countries=True)
        monkeypatch.setenv("LT_BUILDS_DIR", str(builds_dir))
        settings = type(settings).from_env()
        settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(settings.warehouse_path))
        try:
            ensure_raw_schemas(con)
            load(con, base_url, tmp_path / "store")
        finally:
            con.close()
        defs = build_definitions(settings)
        monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        with dg.instance_for_test() as instance:
            result = build(defs, instance, log_level="ERROR", asset_keys=_selection(defs))
    evaluations = result.get_asset_check_evaluations()
    failed = {(e.check_name, e.severity.value) for e in evaluations if not e.passed}
    published = settings.publish_dir / "learning_teams.duckdb"
    return result, failed, published


def _count(published, table):
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("load", "mart"),
    [
        (_literature, "dim_publication"),
        (_plans, "dim_sector_plan"),
        (_programme_records, "dim_programme"),
    ],
    ids=["literature_only", "plans_only", "programme_records_only"],
)
def test_each_source_alone_builds_and_publishes(tmp_path, monkeypatch, load, mart, builds_dir):
    result, failed, published = _publish_alone(tmp_path, monkeypatch, load, builds_dir)
    assert result.success, failed
    assert not {name for name, severity in failed if severity == "ERROR"}
    assert published.is_file() and _count(published, mart) > 0
    warned = {name for name, _ in failed}
    if mart == "dim_programme":
        assert not warned & PROGRAMME_WARNINGS  # the loaded source: its checks passed
    else:  # no programme records: a warning, not a blocking failure
        assert {"ge_dim_programme", "ge_fct_country_summary"} <= warned
        assert any(name.startswith("not_empty_dim_programme") for name in warned)
