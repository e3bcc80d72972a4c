"""Each source alone builds and publishes: a warehouse holding only programme records, or only
literature and sector plans (no programme records), goes through build_warehouse and is
published. The build selects the core marts of every source (dim_programme and the programme
marts with their GE suites, the publication marts, dim_sector_plan) and all they read, with the
dbt tests on them; the theme-coding marts are left out to keep it fast (the demo literature
warehouse of tests/dbt builds the whole project with only literature loaded). The empty
sources' checks are warnings; the loaded sources' stay blocking, and the empty sources' marts
are built, empty."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.make_run.driver import build
from pipelines.settings import Settings
from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from sources.literature.loader import load_literature_pages
from sources.sector_plans.catalogue import load_catalogue_export
from tests.dbt.literature_build import DEMO as LITERATURE_DEMO
from tests.pipelines.end_to_end.pipeline import marts_and_upstream_keys
from tests.pipelines.in_memory import in_memory_instance
from tests.pipelines.sector_plans.conftest import plan_env
from tests.sources.programme_records.helpers import load as load_programme_records
from tests.sources.sector_plans.conftest import BASE_URL, REPO_ROOT, shared_data_dir

pytestmark = pytest.mark.heavy

PROGRAMME_SAMPLE = REPO_ROOT / "sample_data" / "programme_records" / "ghana_and_partners.json"
REAL_CATALOGUE = shared_data_dir() / "planipolis" / "cgd_sector_plan_metadata.csv"
PROGRAMME_WARNINGS = {"not_empty_dim_programme_", "ge_dim_programme"}
CORE_MARTS = [
    dg.AssetKey(["marts", m])
    for m in (
        "dim_programme",
        "fct_programme_actor",
        "fct_country_summary",
        "dim_publication",
        "fct_publication_author",
        "fct_citation",
        "dim_sector_plan",
    )
]


def _literature(con):
    load_literature_pages(con, LITERATURE_DEMO)


def _plans(con):
    """The genuine 896-row Planipolis list (no documents downloaded: plans not_loaded)."""
    load_catalogue_export(con, REAL_CATALOGUE, base_url=BASE_URL)


def _programme_records(con):
    assert load_programme_records(con, PROGRAMME_SAMPLE).rows_loaded > 0


def _publish_alone(tmp_path, monkeypatch, load, builds_dir):
    plan_env(tmp_path, monkeypatch, "http://127.0.0.1:9", all_countries=True)
    monkeypatch.setenv("LT_BUILDS_DIR", str(builds_dir))
    settings = Settings.from_env()
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        ensure_raw_schemas(con)
        load(con)
    finally:
        con.close()
    defs = build_definitions(settings)
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    with in_memory_instance() as instance:
        keys = marts_and_upstream_keys(defs, CORE_MARTS)
        result = build(defs, instance, log_level="ERROR", asset_keys=keys)
    evaluations = result.get_asset_check_evaluations()
    failed = {(e.check_name, e.severity.value) for e in evaluations if not e.passed}
    published = settings.publish_dir / "learning_teams.duckdb"
    return result, failed, published


def _query(published, sql):
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _count(published, table):
    return _query(published, f"SELECT count(*) FROM marts.{table}")[0][0]


def _literature_and_plans(con):
    _literature(con)
    _plans(con)


@pytest.mark.parametrize(
    ("load", "marts"),
    [
        (_literature_and_plans, ("dim_publication", "dim_sector_plan")),
        (_programme_records, ("dim_programme",)),
    ],
    ids=["literature_and_plans_only", "programme_records_only"],
)
def test_each_source_alone_builds_and_publishes(
    tmp_path, monkeypatch, load, marts, worker_builds_dir
):
    result, failed, published = _publish_alone(tmp_path, monkeypatch, load, worker_builds_dir)
    assert result.success, failed
    assert not {name for name, severity in failed if severity == "ERROR"}
    assert published.is_file()
    for mart in marts:
        assert _count(published, mart) > 0, mart
    warned = {name for name, _ in failed}
    if "dim_programme" in marts:
        assert not warned & PROGRAMME_WARNINGS  # the loaded source: its checks passed
        for table in ("dim_publication", "fct_publication_author", "fct_citation"):
            assert _count(published, table) == 0, table  # no literature: built, empty
    else:  # no programme records: a warning, not a blocking failure
        assert {"ge_dim_programme", "ge_fct_country_summary"} <= warned
        assert any(name.startswith("not_empty_dim_programme") for name in warned)
    if "dim_sector_plan" in marts:  # the real catalogue: every plan has a period and its source
        by_source = dict(
            _query(
                published, "SELECT period_source, count(*) FROM marts.dim_sector_plan GROUP BY 1"
            )
        )
        print(f"\nreal catalogue plans by period source: {by_source}")
        assert set(by_source) == {"title", "listed_year_to_title_year", "listed_year"}
        assert _query(
            published, "SELECT count(*) FROM marts.dim_sector_plan WHERE period_start_year IS NULL"
        ) == [(0,)]
        # the 12 countries that lost every plan to the period parser: no title has a range
        lost = {
            code
            for (code,) in _query(
                published,
                """SELECT country_code FROM marts.dim_sector_plan WHERE country_code IS NOT NULL
                GROUP BY 1 HAVING bool_and(period_source <> 'title')""",
            )
        }
        assert len(lost) == 12 and {"BRA", "DEU", "JPN", "PER", "PHL"} <= lost
