"""The first run on the bundled sample (landing files -> sensor -> ingest runs -> dbt build, GE
checks and publish -> reports), read from what it left: the marts, the published copy, the
reports and what the Dagster instance recorded."""

import dagster as dg
import duckdb
import pytest

from sources.worldbank.config import load_indicators
from tests.pipelines.end_to_end.pipeline import query

pytestmark = pytest.mark.heavy


def test_pipeline_runs_green_on_the_bundled_sample(first_outcome):
    assert first_outcome["ingested"] == {
        "learning-teams-sample/ghana_and_partners.json": [True, "loaded"],
        "learning-teams-sample/global_learning_teams_database.xlsx": [True, "loaded"],
        "learning-teams-sample/late_submissions_2024.csv": [True, "partially_loaded"],
        "learning-teams-sample/uk_partnerships_2002.csv": [True, "loaded"],
        # the demo Planipolis site: the catalogue, then the plans of the focus countries
        "sector plan catalogue": [True, "loaded"],
        "sector plan GHA/education-strategic-plan-2018-2030-6512": [True, "loaded"],
        "sector plan KEN/national-education-sector-strategic-plan-2018-2022": [True, "loaded"],
        "sector plan KEN/basic-education-covid-19-emergency-response-plan": [True, "loaded"],
        "sector plan NPL/school-education-sector-plan-202223-203132-7469": [True, "loaded"],
        # the demo World Bank API (one run per indicator) and the bundled bulk CSV
        **{f"World Bank {i.code}": [True, "loaded"] for i in load_indicators()},
        "World Bank bulk_csv": [True, "loaded"],
    }
    assert first_outcome["build_success"], first_outcome["failed_checks"]
    assert first_outcome["failed_checks"] == []
    assert first_outcome["success"]


def test_dbt_tests_and_ge_suites_ran_as_checks(first_outcome):
    checks = first_outcome["checks"]
    names = {c["name"] for c in checks}
    assert {"ge_dim_programme", "ge_fct_country_summary", "ge_fct_programme_actor"} <= names
    assert sum(1 for c in checks if c["name"].startswith(("unique_", "not_null_"))) > 20
    assert [c for c in checks if c["blocking"] and not c["passed"]] == []


def test_marts_hold_the_seed_programmes_with_their_facts(first):
    nlc = query(
        first,
        """
        SELECT schools_count, funding_amount, funding_currency, funding_period, team_kind_code,
               country_name
        FROM marts.dim_programme WHERE programme_ref = 'GBR-NCSL-NLC'""",
    )
    assert nlc == [(6, 50000, "GBP", "per_year", "cross_sector", "United Kingdom")]
    bedfordshire = query(
        first,
        """
        SELECT start_year, schools_count, subnational_area FROM marts.dim_programme
        WHERE programme_ref = 'GBR-BEDS-SIP'""",
    )
    assert bedfordshire == [(1999, 39, "Bedfordshire")]
    names = " | ".join(r[0] for r in query(first, "SELECT programme_name FROM marts.dim_programme"))
    for expected in ("Pathfinder", "triad", "Teachmeet", "Ghana"):
        assert expected.lower() in names.lower(), expected


def test_marts_are_consistent(first):
    (programmes,) = query(first, "SELECT count(*) FROM marts.dim_programme")[0]
    (loaded,) = query(first, "SELECT count(*) FROM raw.programme_records")[0]
    assert programmes == loaded == 42
    assert query(first, "SELECT count(*) FROM raw.programme_records_quarantine") == [(2,)]
    (actor_rows,) = query(first, "SELECT count(*) FROM marts.fct_programme_actor")[0]
    (actor_sum,) = query(first, "SELECT sum(actor_count) FROM marts.dim_programme")[0]
    assert actor_rows == actor_sum > programmes
    gbr = query(
        first,
        """SELECT programme_count, region, income_group
           FROM marts.fct_country_summary WHERE country_code = 'GBR'""",
    )
    (gbr_programmes,) = query(
        first, "SELECT count(*) FROM marts.dim_programme WHERE country_code = 'GBR'"
    )[0]
    assert gbr == [(gbr_programmes, "Europe & Central Asia", "High income")]
    assert gbr_programmes == 18
    (summed,) = query(first, "SELECT sum(programme_count) FROM marts.fct_country_summary")[0]
    assert summed == programmes


def test_marts_are_documented_in_the_database(first):
    comments = dict(
        query(first, "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'")
    )
    assert set(comments) >= {
        "dim_programme",
        "dim_country",
        "fct_programme_actor",
        "fct_country_summary",
    }
    assert all(comments.values())


def test_published_copy_and_parquet_exports(first):
    published = first.publish_dir / "learning_teams.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("SELECT count(*) FROM marts.dim_programme").fetchone()[0] == 42
    con.close()
    parquet = first.publish_dir / "parquet" / "fct_country_summary.parquet"
    (rows,) = duckdb.sql(f"SELECT count(*) FROM '{parquet}'").fetchone()
    assert rows == query(first, "SELECT count(*) FROM marts.fct_country_summary")[0][0]


def test_reports_are_made_from_the_published_copy(first, first_outcome, pipeline):
    """After the publish: the pictures per focus country, the evidence map, the exports and the
    offline index; each picture asset shows its pictures in the UI (an embedded PNG)."""
    assert first_outcome["reports_success"]
    folder = first.reports_dir
    focus = ["GBR", "GHA", "KEN", "NPL"]
    expected = ["index.html", "evidence_map.png", "evidence_map.svg"] + [
        f"{kind}_{code}.{ext}"
        for kind in ("indicator_trends", "country_profile")
        for code in focus
        for ext in ("png", "svg")
    ]
    assert all((folder / name).stat().st_size > 0 for name in expected)
    exports = {p.name for p in (folder / "exports").iterdir()}
    assert {"country_profiles.csv", "country_profiles.xlsx", "country_profile_GHA.xlsx"} <= exports
    heatmap = pipeline.instance.get_latest_materialization_event(
        dg.AssetKey(["reports", "evidence_map_heatmap"])
    ).asset_materialization.metadata
    assert heatmap["evidence map"].value.startswith("![preview](data:image/png;base64,")


def test_dbt_assets_show_row_counts_and_column_types(first, pipeline):
    def metadata(*key):
        event = pipeline.instance.get_latest_materialization_event(dg.AssetKey(list(key)))
        return event.asset_materialization.metadata

    programmes = metadata("marts", "dim_programme")
    assert programmes["dagster/row_count"].value == 42
    columns = {c.name: c for c in programmes["dagster/column_schema"].value.columns}
    assert columns["programme_ref"].type == "VARCHAR"
    assert columns["programme_ref"].description  # the YAML docs are kept
    staging = metadata("staging", "stg_programme_records__programme_records")
    (staged,) = query(
        first, "SELECT count(*) FROM staging.stg_programme_records__programme_records"
    )[0]
    assert staging["dagster/row_count"].value == staged == 42  # views too


def test_run_summary_names_marts_and_quarantined_rows(first):
    from pipelines.make_run.summary import summarise

    text = summarise(first.warehouse_path)
    assert "marts.dim_programme" in text and "marts.fct_country_summary" in text
    assert "late_submissions_2024.csv row 4: country_code 'UK'" in text
