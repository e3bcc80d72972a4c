"""DDL of the raw layer for World Bank indicators (read by dbt sources).

- `raw.worldbank_economies`: the country metadata endpoint (`/v2/country`): every economy and
  aggregate with its region, income level and lending type (aggregates say `Aggregates`).
- `raw.worldbank_api_values`: one row per indicator × economy × year from the API (non-null values).
- `raw.worldbank_api_loads`: one row per indicator load from the API: the indicator's
  `lastupdated`, which makes the next load skip an unchanged indicator (the incremental state,
  written in the same transaction as the values).
- `raw.worldbank_api_quarantine`: API records and responses that could not be used, with why.
- `raw.worldbank_bulk_values`, `raw.worldbank_bulk_files`, `raw.worldbank_bulk_quarantine`: the
  same for the WDI bulk CSV files (one row per file loaded, identified by its SHA-256).
"""

from __future__ import annotations

import duckdb

SCHEMA = "raw"
ECONOMIES_TABLE = f"{SCHEMA}.worldbank_economies"
API_VALUES_TABLE = f"{SCHEMA}.worldbank_api_values"
API_LOADS_TABLE = f"{SCHEMA}.worldbank_api_loads"
API_QUARANTINE_TABLE = f"{SCHEMA}.worldbank_api_quarantine"
BULK_VALUES_TABLE = f"{SCHEMA}.worldbank_bulk_values"
BULK_FILES_TABLE = f"{SCHEMA}.worldbank_bulk_files"
BULK_QUARANTINE_TABLE = f"{SCHEMA}.worldbank_bulk_quarantine"


def has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """`qualified` (schema.table) exists in the connection's database (read-only safe)."""
    schema, table = qualified.split(".")
    sql = (
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?"
    )
    return bool(con.execute(sql, [schema, table]).fetchone()[0])


_VALUES_COLUMNS = """
    indicator_code VARCHAR NOT NULL,
    indicator_name VARCHAR,
    economy_code VARCHAR NOT NULL,
    economy_name VARCHAR,
    year INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    obs_status VARCHAR,
    last_updated DATE,
    _source_url VARCHAR NOT NULL,
    _load_id VARCHAR NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL
"""

_QUARANTINE_COLUMNS = """
    stage VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL,
    indicator_code VARCHAR,
    economy_code VARCHAR,
    year_raw VARCHAR,
    value_raw VARCHAR,
    reason_codes VARCHAR[] NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR,
    _load_id VARCHAR NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL
"""

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {ECONOMIES_TABLE} (
    economy_code VARCHAR NOT NULL,
    iso2_code VARCHAR,
    economy_name VARCHAR NOT NULL,
    region_id VARCHAR,
    region_name VARCHAR,
    income_level_id VARCHAR,
    income_level_name VARCHAR,
    lending_type_id VARCHAR,
    lending_type_name VARCHAR,
    capital_city VARCHAR,
    _source_url VARCHAR NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {API_VALUES_TABLE} ({_VALUES_COLUMNS});
CREATE TABLE IF NOT EXISTS {API_LOADS_TABLE} (
    indicator_code VARCHAR NOT NULL,
    last_updated DATE,
    source_id VARCHAR,
    scope VARCHAR NOT NULL,
    pages INTEGER NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    message VARCHAR,
    _load_id VARCHAR NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {API_QUARANTINE_TABLE} ({_QUARANTINE_COLUMNS});
CREATE TABLE IF NOT EXISTS {BULK_VALUES_TABLE} ({_VALUES_COLUMNS});
CREATE TABLE IF NOT EXISTS {BULK_FILES_TABLE} (
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    indicator_codes VARCHAR[] NOT NULL,
    last_updated DATE,
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    _load_id VARCHAR NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {BULK_QUARANTINE_TABLE} ({_QUARANTINE_COLUMNS});
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and the World Bank tables if they do not exist (idempotent)."""
    con.execute(DDL)
