"""DDL of the raw layer for programme records: created by the loader, read by dbt sources.

Raw rows keep the values as submitted (text, trimmed), plus load metadata: the delivery they
came in (file id, organisation, path in the landing folder, content hash, when it was
delivered), the row number and when it was loaded. Which contract columns
a record supplied is kept once per file (`programme_record_files.columns_supplied`) when every
record of the file supplied the same ones (a CSV/XLSX header, uniform JSON), else on each row
(`_supplied_columns`): `supplied_columns_sql` gives it either way. Rows reach
`programme_records` only after the file passed the contract and the raw audit
(write-audit-publish, see loader.py).
"""

from __future__ import annotations

import duckdb

from ..transactions import run_in_transaction
from .contract import COLUMN_NAMES

SCHEMA = "raw"
RECORDS_TABLE = f"{SCHEMA}.programme_records"
FILES_TABLE = f"{SCHEMA}.programme_record_files"
QUARANTINE_TABLE = f"{SCHEMA}.programme_records_quarantine"
ENTRIES_TABLE = f"{SCHEMA}.landing_entries"

RAW_RECORD_PREFIX = 2_000
"""A quarantined row keeps at most this many characters of the row as submitted (and its
length), so an oversized field cannot bloat the warehouse or the published copy."""

RECORD_METADATA = {
    "_file_id": "VARCHAR NOT NULL",
    "_file_sha256": "VARCHAR NOT NULL",
    "_file_name": "VARCHAR NOT NULL",
    "_organisation": "VARCHAR NOT NULL",
    "_delivered_at": "TIMESTAMPTZ NOT NULL",
    "_row_number": "INTEGER NOT NULL",
    "_supplied_columns": "VARCHAR[]",
    "_loaded_at": "TIMESTAMPTZ NOT NULL",
}
"""Load metadata on every raw record, after the contract columns."""

_RECORD_COLUMNS = ",\n    ".join(
    [f"{name} VARCHAR" for name in COLUMN_NAMES]
    + [f"{name} {sql_type}" for name, sql_type in RECORD_METADATA.items()]
)

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {FILES_TABLE} (
    file_id VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    organisation VARCHAR NOT NULL,
    entry_path VARCHAR NOT NULL,
    delivered_at TIMESTAMPTZ NOT NULL,
    file_format VARCHAR,
    encoding VARCHAR,
    size_bytes BIGINT NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    columns_not_supplied VARCHAR[] NOT NULL,
    status VARCHAR NOT NULL,
    message VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL,
    columns_supplied VARCHAR[]
);
CREATE TABLE IF NOT EXISTS {RECORDS_TABLE} (
    {_RECORD_COLUMNS}
);
CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (
    _file_id VARCHAR NOT NULL,
    _file_sha256 VARCHAR NOT NULL,
    _file_name VARCHAR NOT NULL,
    _organisation VARCHAR NOT NULL,
    _row_number INTEGER,
    programme_ref VARCHAR,
    reasons VARCHAR[] NOT NULL,
    reason VARCHAR NOT NULL,
    raw_record VARCHAR,
    raw_record_length BIGINT,
    _loaded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {ENTRIES_TABLE} (
    entry_path VARCHAR NOT NULL,
    organisation VARCHAR,
    entry_type VARCHAR NOT NULL,
    size_bytes BIGINT,
    modified_at TIMESTAMPTZ,
    sha256 VARCHAR,
    seen_at TIMESTAMPTZ NOT NULL,
    outcome VARCHAR NOT NULL,
    reason VARCHAR,
    duplicate_of VARCHAR,
    file_id VARCHAR
);
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and tables if they do not exist, and bring an older warehouse up
    to date (idempotent): `columns_supplied` added, `_supplied_columns` made optional, the
    per-row `_record_hash` dropped (a hash of the values is computed where it is used).

    One transaction, run again if another writer of a shared lake created them at the same
    moment (then it finds them and changes nothing)."""
    run_in_transaction(con, lambda: con.execute(DDL))
    files_has_set, records_require_list, records_hashed = con.execute(
        f"""SELECT
            count(*) FILTER (table_name = 'programme_record_files'
                             AND column_name = 'columns_supplied'),
            count(*) FILTER (table_name = 'programme_records'
                             AND column_name = '_supplied_columns' AND NOT is_nullable),
            count(*) FILTER (table_name = 'programme_records' AND column_name = '_record_hash')
        FROM duckdb_columns()
        WHERE database_name = current_database() AND schema_name = '{SCHEMA}'"""
    ).fetchone()
    if not files_has_set:
        con.execute(f"ALTER TABLE {FILES_TABLE} ADD COLUMN columns_supplied VARCHAR[]")
    if records_require_list:
        con.execute(f"ALTER TABLE {RECORDS_TABLE} ALTER COLUMN _supplied_columns DROP NOT NULL")
    if records_hashed:
        con.execute(f"ALTER TABLE {RECORDS_TABLE} DROP COLUMN _record_hash")


def supplied_columns_sql(records: str, files: str) -> str:
    """SQL for the contract columns a record supplied, given the aliases of its raw row and of
    its file's row in programme_record_files (joined on file id)."""
    return f"coalesce({records}._supplied_columns, {files}.columns_supplied)"
