"""The real Planipolis catalogue through staging to dim_sector_plan: every plan has a period and
says where it comes from (period_source)."""

from __future__ import annotations

import pytest

from sources.sector_plans.catalogue import load_catalogue_export
from sources.sector_plans.raw_schema import ensure_raw_schema
from tests.dbt.literature_build import build
from tests.sources.sector_plans.conftest import BASE_URL, shared_data_dir

SELECT = (
    "countries xwalk_planipolis_languages xwalk_country_names stg_sector_plans__documents "
    "stg_sector_plans__files stg_sector_plans__quarantined_items dim_sector_plan"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    catalogue = shared_data_dir() / "planipolis" / "cgd_sector_plan_metadata.csv"
    assert catalogue.is_file(), f"real Planipolis list not found at {catalogue}"

    def prepare(con):
        ensure_raw_schema(con)
        load_catalogue_export(con, catalogue, base_url=BASE_URL)

    con = build(tmp_path_factory.mktemp("catalogue"), prepare, select=SELECT)
    yield con
    con.close()


def test_every_real_plan_has_a_period_and_its_source(warehouse):
    by_source = dict(
        warehouse.execute(
            """SELECT period_source, count(*) FROM marts.dim_sector_plan GROUP BY 1"""
        ).fetchall()
    )
    print(f"\nreal catalogue plans by period source: {by_source}")
    assert set(by_source) == {"title", "listed_year_to_title_year", "listed_year"}
    plans, without = warehouse.execute(
        """SELECT count(*), count(*) FILTER (WHERE period_start_year IS NULL)
        FROM marts.dim_sector_plan"""
    ).fetchone()
    assert without == 0 and plans == sum(by_source.values())
    # the 12 countries that lost every plan to the period parser: none of their titles has a range
    countries = {
        code
        for (code,) in warehouse.execute(
            """SELECT country_code FROM marts.dim_sector_plan WHERE country_code IS NOT NULL
            GROUP BY 1 HAVING bool_and(period_source <> 'title')"""
        ).fetchall()
    }
    assert len(countries) == 12 and {"BRA", "DEU", "JPN", "PER", "PHL"} <= countries


def test_staging_carries_the_period_source_of_each_document(warehouse):
    rows = dict(
        warehouse.execute(
            """SELECT period_source, count(*) FROM staging.stg_sector_plans__documents
            GROUP BY 1"""
        ).fetchall()
    )
    assert sum(rows.values()) == 896 - 3  # three document URLs appear twice: kept once
