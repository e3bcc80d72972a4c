"""A tiny warehouse for the expectation-suite tests (independent of the real warehouse file).

`create_sample_warehouse(con)` creates raw.programme_records (with the loader's own DDL) and the
five marts tables the suites validate, with the column types the dbt models produce, and fills
them with a few rows that meet every rule. Tests read them back through `runner.read_table`, so
the DataFrames have the same dtypes as DuckDB gives in production.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

from sources.programme_records.raw_schema import ensure_raw_schema
from sources.worldbank.config import load_indicators

LOADED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SHA_A = "a" * 64
SHA_B = "b" * 64
SK = {"A": "0" * 31 + "a", "B": "0" * 31 + "b", "C": "0" * 31 + "c"}

MARTS_DDL = """
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE marts.dim_country (
    country_code VARCHAR, iso2_code VARCHAR, country_name VARCHAR, region VARCHAR,
    income_group VARCHAR);
CREATE TABLE marts.dim_programme (
    programme_sk VARCHAR, programme_ref VARCHAR, programme_name VARCHAR, organisations VARCHAR,
    organisation_count BIGINT, country_code VARCHAR, country_name VARCHAR,
    subnational_area VARCHAR, level VARCHAR, start_year INTEGER, end_year INTEGER,
    is_active BOOLEAN, team_kind_code VARCHAR, team_kind_label VARCHAR,
    collaboration_model_code VARCHAR, collaboration_model_label VARCHAR, actor_count BIGINT,
    schools_count BIGINT, teachers_count BIGINT, learners_count BIGINT,
    funding_amount DECIMAL(18, 2), funding_currency VARCHAR, funding_period VARCHAR,
    funding_basis VARCHAR, approximate_fields VARCHAR[], minimum_fields VARCHAR[],
    schools_count_is_minimum BOOLEAN, teachers_count_is_minimum BOOLEAN,
    learners_count_is_minimum BOOLEAN, has_approximate_values BOOLEAN, submitted_by VARCHAR,
    funders VARCHAR, roles_extended VARCHAR, description VARCHAR, source_name VARCHAR,
    source_url VARCHAR, latest_file_name VARCHAR, version_count BIGINT,
    first_delivered_at TIMESTAMPTZ, last_updated_at TIMESTAMPTZ);
CREATE TABLE marts.fct_programme_actor (
    programme_actor_sk VARCHAR, programme_sk VARCHAR, actor_code VARCHAR, actor_group VARCHAR,
    country_code VARCHAR, team_kind_code VARCHAR, level VARCHAR, start_year INTEGER,
    submitted_as VARCHAR);
CREATE TABLE marts.fct_country_summary (
    country_code VARCHAR, country_name VARCHAR, region VARCHAR, income_group VARCHAR,
    programme_count BIGINT, active_programme_count BIGINT, within_school_count BIGINT,
    school_community_count BIGINT, cross_sector_count BIGINT, local_count BIGINT,
    regional_count BIGINT, national_count BIGINT, schools_total HUGEINT, teachers_total HUGEINT,
    learners_total HUGEINT, programmes_with_minimum_counts BIGINT,
    first_start_year INTEGER, latest_start_year INTEGER,
    distinct_actor_count BIGINT);
"""


def _raw_rows() -> list[dict]:
    base = {
        "subnational_area": None,
        "end_year": None,
        "collaboration_model": None,
        "schools_count": None,
        "teachers_count": None,
        "learners_count": None,
        "funding_amount": None,
        "funding_currency": None,
        "funding_period": None,
        "funders": None,
        "roles_extended": None,
        "description": None,
        "source_url": None,
        "_loaded_at": LOADED_AT,
    }
    rows = [
        {
            "programme_ref": "GHA-TAMALE-READING",
            "programme_name": "Tamale community reading",
            "organisations": "Ghana Education Service; Tamale District",
            "country_code": "GHA",
            "subnational_area": "Northern Region",
            "level": "local",
            "start_year": "2019",
            "end_year": "2023",
            "team_kind": "within_school",
            "collaboration_model": "teacher_triad",
            "actors": "teachers; parents",
            "schools_count": "12",
            "teachers_count": "48",
            "learners_count": "0",
            "funding_amount": "85000.50",
            "funding_currency": "usd",
            "funding_period": "total",
            "source_name": "Programme report",
            "source_url": "https://example.org/report",
            "_file_sha256": SHA_A,
            "_file_name": "ghana.csv",
            "_row_number": 2,
        },
        {
            "programme_ref": "GBR-LONDON-CHALLENGE",
            "programme_name": "London Challenge",
            "organisations": "DfES",
            "country_code": "gbr",
            "level": "National",
            "start_year": "2003",
            "team_kind": "Cross_Sector",
            "actors": "head_teachers;universities",
            "funding_amount": "100000",
            "funding_currency": "GBP",
            "funding_period": "PER_YEAR",
            "source_name": "Ofsted",
            "_file_sha256": SHA_A,
            "_file_name": "ghana.csv",
            "_row_number": 3,
        },
        {
            "programme_ref": "KEN-MOE-TUSOME",
            "programme_name": "Tusome",
            "organisations": "Ministry of Education",
            "country_code": "KEN",
            "level": "regional",
            "start_year": "2020",
            "team_kind": "school_community",
            "actors": "teachers",
            "teachers_count": "310",
            "source_name": "Submitter",
            "_file_sha256": SHA_B,
            "_file_name": "kenya.json",
            "_row_number": 1,
        },
    ]
    out = []
    for row in rows:
        full = {**base, **row}
        full["_file_id"] = f"test-org/{full['_file_name']}@{full['_file_sha256'][:12]}"
        full["_organisation"] = "test-org"
        full["_delivered_at"] = LOADED_AT
        full["_supplied_columns"] = [k for k in full if not k.startswith("_")]
        out.append(full)
    return out


def _dim_programme_rows() -> list[dict]:
    common = {
        "organisations": "Org",
        "organisation_count": 1,
        "subnational_area": None,
        "end_year": None,
        "is_active": True,
        "team_kind_label": "label",
        "collaboration_model_code": None,
        "collaboration_model_label": None,
        "actor_count": 2,
        "schools_count": None,
        "teachers_count": None,
        "learners_count": None,
        "funding_amount": None,
        "funding_currency": None,
        "funding_period": None,
        "funders": None,
        "roles_extended": None,
        "description": None,
        "source_name": "Report",
        "source_url": None,
        "latest_file_name": "file.csv",
        "version_count": 1,
        "first_delivered_at": LOADED_AT,
        "last_updated_at": LOADED_AT,
        "funding_basis": "programme",
        "approximate_fields": [],
        "minimum_fields": [],
        "schools_count_is_minimum": False,
        "teachers_count_is_minimum": False,
        "learners_count_is_minimum": False,
        "has_approximate_values": False,
        "submitted_by": "test-org",
    }
    rows = [
        {
            "programme_sk": SK["A"],
            "programme_ref": "GHA-TAMALE-READING",
            "programme_name": "Tamale community reading",
            "country_code": "GHA",
            "country_name": "Ghana",
            "level": "local",
            "start_year": 2019,
            "end_year": 2023,
            "is_active": False,
            "team_kind_code": "within_school",
            "collaboration_model_code": "teacher_triad",
            "collaboration_model_label": "Teacher triad",
            "schools_count": 12,
            "teachers_count": 48,
            "learners_count": 0,
            "funding_amount": 85000.5,
            "funding_currency": "USD",
            "funding_period": "total",
            "source_url": "https://example.org/report",
        },
        {
            "programme_sk": SK["B"],
            "programme_ref": "GBR-LONDON-CHALLENGE",
            "programme_name": "London Challenge",
            "country_code": "GBR",
            "country_name": "United Kingdom",
            "level": "national",
            "start_year": 2003,
            "end_year": 2003,
            "is_active": False,
            "team_kind_code": "cross_sector",
            "version_count": 2,
            "last_updated_at": datetime(2024, 6, 1, tzinfo=UTC),
        },
        {
            "programme_sk": SK["C"],
            "programme_ref": "KEN-MOE-TUSOME",
            "programme_name": "Tusome",
            "country_code": "KEN",
            "country_name": "Kenya",
            "level": "regional",
            "start_year": 2020,
            "team_kind_code": "school_community",
            "teachers_count": 310,
        },
    ]
    return [{**common, **row} for row in rows]


def _fct_programme_actor_rows() -> list[dict]:
    pairs = [
        ("A", "teachers", "school_staff", "GHA", "within_school", "local", 2019),
        ("A", "parents", "learners_and_families", "GHA", "within_school", "local", 2019),
        ("B", "head_teachers", "school_staff", "GBR", "cross_sector", "national", 2003),
        ("B", "universities", "external_agency", "GBR", "cross_sector", "national", 2003),
        ("C", "teachers", "school_staff", "KEN", "school_community", "regional", 2020),
        ("C", "community_members", "community", "KEN", "school_community", "regional", 2020),
    ]
    return [
        {
            "programme_actor_sk": f"{i:032x}",
            "programme_sk": SK[p],
            "actor_code": actor,
            "actor_group": group,
            "country_code": country,
            "team_kind_code": kind,
            "level": level,
            "start_year": year,
            "submitted_as": actor,
        }
        for i, (p, actor, group, country, kind, level, year) in enumerate(pairs)
    ]


def _dim_country_rows() -> list[dict]:
    return [
        {
            "country_code": "GHA",
            "iso2_code": "GH",
            "country_name": "Ghana",
            "region": "Sub-Saharan Africa",
            "income_group": "Lower middle income",
        },
        {
            "country_code": "GBR",
            "iso2_code": "GB",
            "country_name": "United Kingdom",
            "region": "Europe & Central Asia",
            "income_group": "High income",
        },
        {
            "country_code": "KEN",
            "iso2_code": "KE",
            "country_name": "Kenya",
            "region": "Sub-Saharan Africa",
            "income_group": "Lower middle income",
        },
        {
            "country_code": "ATA",
            "iso2_code": "AQ",
            "country_name": "Antarctica",
            "region": None,
            "income_group": None,
        },
    ]


def _fct_country_summary_rows() -> list[dict]:
    zero = dict.fromkeys(
        [
            "within_school_count",
            "school_community_count",
            "cross_sector_count",
            "local_count",
            "regional_count",
            "national_count",
        ],
        0,
    )
    return [
        {
            **zero,
            "country_code": "GBR",
            "country_name": "United Kingdom",
            "region": "Europe & Central Asia",
            "income_group": "High income",
            "programme_count": 2,
            "active_programme_count": 1,
            "within_school_count": 1,
            "cross_sector_count": 1,
            "regional_count": 1,
            "national_count": 1,
            "schools_total": 45,
            "programmes_with_minimum_counts": 0,
            "teachers_total": 20,
            "learners_total": None,
            "first_start_year": 1999,
            "latest_start_year": 2002,
            "distinct_actor_count": 2,
        },
        {
            **zero,
            "country_code": "GHA",
            "country_name": "Ghana",
            "region": "Sub-Saharan Africa",
            "income_group": "Lower middle income",
            "programme_count": 1,
            "active_programme_count": 1,
            "school_community_count": 1,
            "local_count": 1,
            "schools_total": None,
            "programmes_with_minimum_counts": 0,
            "teachers_total": 12,
            "learners_total": None,
            "first_start_year": 2022,
            "latest_start_year": 2022,
            "distinct_actor_count": 1,
        },
    ]


SAMPLE_ROWS = {
    "raw.programme_records": _raw_rows,
    "marts.dim_programme": _dim_programme_rows,
    "marts.dim_country": _dim_country_rows,
    "marts.fct_programme_actor": _fct_programme_actor_rows,
    "marts.fct_country_summary": _fct_country_summary_rows,
}


def create_sample_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Create the validated tables in `con` and insert a few good rows into each."""
    ensure_raw_schema(con)
    con.execute(MARTS_DDL)
    # dim_country's latest workforce-indicator columns, generated from the seed as in dbt
    for indicator in load_indicators():
        column = indicator.column_name
        con.execute(f"ALTER TABLE marts.dim_country ADD COLUMN {column} DOUBLE")
        con.execute(f"ALTER TABLE marts.dim_country ADD COLUMN {column}_year INTEGER")
    for table, rows in SAMPLE_ROWS.items():
        frame = pd.DataFrame(rows())  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
