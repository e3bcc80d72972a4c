"""DDL of the raw layer for programme records: created by the loader, read by dbt sources.

Raw rows keep the values exactly as submitted (text), plus load metadata: the file's content
hash, its name, the row number, a hash of the record and when it was loaded.
"""

from __future__ import annotations

import duckdb

from .contract import COLUMN_NAMES

SCHEMA = "raw"
RECORDS_TABLE = f"{SCHEMA}.programme_records"
FILES_TABLE = f"{SCHEMA}.programme_record_files"
QUARANTINE_TABLE = f"{SCHEMA}.programme_records_quarantine"

_RECORD_COLUMNS = ",\n    ".join(f"{name} VARCHAR" for name in COLUMN_NAMES)

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {FILES_TABLE} (
    file_sha256 VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_format VARCHAR,
    encoding VARCHAR,
    size_bytes BIGINT NOT NULL,
    archive_path VARCHAR NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    message VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {RECORDS_TABLE} (
    {_RECORD_COLUMNS},
    _file_sha256 VARCHAR NOT NULL,
    _file_name VARCHAR NOT NULL,
    _row_number INTEGER NOT NULL,
    _record_hash VARCHAR NOT NULL,
    _loaded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (
    _file_sha256 VARCHAR NOT NULL,
    _file_name VARCHAR NOT NULL,
    _row_number INTEGER,
    programme_ref VARCHAR,
    reasons VARCHAR[] NOT NULL,
    reason VARCHAR NOT NULL,
    raw_record VARCHAR,
    _loaded_at TIMESTAMPTZ NOT NULL
);
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and tables if they do not exist (idempotent)."""
    con.execute(DDL)
