"""The workforce marts built by dbt from the bundled demo (API responses replayed from a local
server and the demo bulk CSV, loaded by the connector): countries apart from aggregates, the
newer release winning where the API and the file overlap, latest values on dim_country."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sources.cassette_server import serve_cassettes
from sources.http_client import HttpConfig, PoliteClient
from sources.worldbank.bulk_csv import load_bulk_csv
from sources.worldbank.config import WorldBankSettings, load_indicators
from sources.worldbank.economies import load_economies
from sources.worldbank.loader import load_indicator
from sources.worldbank.raw_schema import ensure_raw_schema
from tests.dbt.run_dbt import dbt

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO = REPO_ROOT / "sample_data" / "worldbank"
DEMO_COUNTRIES = ("GHA", "KEN", "LMC", "NPL", "SAS", "SSF", "WLD")


def load_demo(con: duckdb.DuckDBPyConnection) -> None:
    with serve_cassettes([DEMO / "api_demo.yaml"]) as base_url:
        settings = WorldBankSettings(base_url=base_url, countries=DEMO_COUNTRIES)
        client = PoliteClient(config=HttpConfig(min_interval_seconds=0, max_retries=0))
        load_economies(con, client, settings)
        for indicator in load_indicators():
            assert load_indicator(con, client, settings, indicator, max_year=2030).status == (
                "loaded"
            )
    bulk = DEMO / "bulk" / "API_SE.PRM.ENRL.TC.ZS_DS2_en_csv_v2_demo.csv"
    load_bulk_csv(con, bulk, load_indicators(), max_year=2030)


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("worldbank_dbt")
    warehouse = tmp_path / "warehouse" / "learning_teams.duckdb"
    warehouse.parent.mkdir(parents=True)
    con = duckdb.connect(str(warehouse))
    ensure_raw_schema(con)
    load_demo(con)
    con.close()
    select = (
        "+dim_country +fct_workforce_indicator_aggregate stg_worldbank__quarantined_records"
        " stg_worldbank__indicator_loads"
    )
    done = dbt(["build", "--select", select, "--indirect-selection", "cautious"], warehouse)
    assert done.returncode == 0, done.stdout[-4000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def test_countries_only_with_every_indicator_and_both_sources(marts):
    rows = marts.execute(
        "SELECT country_code, count(DISTINCT indicator_code), min(year), max(year), "
        "count(*) FILTER (WHERE source = 'wb_bulk_csv') FROM marts.fct_workforce_indicator "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    by_country = {r[0]: r[1:] for r in rows}
    assert set(by_country) == {"GHA", "KEN", "NPL", "UGA"}  # UGA from the bulk file only
    assert by_country["GHA"][:3] == (7, 1990, 2023)
    assert by_country["GHA"][3] > 0  # 1990-2009 come from the older bulk release


def test_where_both_sources_hold_a_value_the_newer_release_wins(marts):
    sources = marts.execute(
        "SELECT DISTINCT f.source FROM marts.fct_workforce_indicator AS f "
        "JOIN raw.worldbank_api_values AS a ON a.economy_code = f.country_code "
        "AND a.indicator_code = f.indicator_code AND a.year = f.year "
        "JOIN raw.worldbank_bulk_values AS b ON b.economy_code = f.country_code "
        "AND b.indicator_code = f.indicator_code AND b.year = f.year"
    ).fetchall()
    assert sources == [("wb_api",)]  # the API's 2025-10-07 release beats the file's 2025-07-01


def test_aggregates_are_apart_and_classified_from_the_metadata(marts):
    kinds = dict(
        marts.execute(
            "SELECT aggregate_code, any_value(aggregate_kind) "
            "FROM marts.fct_workforce_indicator_aggregate GROUP BY 1"
        ).fetchall()
    )
    assert kinds == {"SSF": "region", "SAS": "region", "LMC": "income_group", "WLD": "other"}


def test_dim_country_holds_the_latest_value_and_its_year(marts):
    ghana = marts.execute(
        "SELECT pupil_teacher_ratio_primary, pupil_teacher_ratio_primary_year, "
        "teachers_primary_year FROM marts.dim_country WHERE country_code = 'GHA'"
    ).fetchone()
    latest = marts.execute(
        "SELECT value, year FROM marts.fct_workforce_indicator WHERE country_code = 'GHA' "
        "AND indicator_code = 'SE.PRM.ENRL.TC.ZS' ORDER BY year DESC LIMIT 1"
    ).fetchone()
    assert ghana[:2] == latest and ghana[2] is not None
    nothing = marts.execute(
        "SELECT pupil_teacher_ratio_primary FROM marts.dim_country WHERE country_code = 'FRA'"
    ).fetchone()
    assert nothing == (None,)
