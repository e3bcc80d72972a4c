"""DDL of the raw layer for education sector plans (read by dbt sources).

- `raw.sector_plan_documents`: one row per catalogue document, parsed fields + load metadata,
  and `plan_key` (`<ISO3>/<slug>`: the plan, i.e. the page, its documents belong to).
- `raw.sector_plan_files`: one row per downloaded document: its SHA-256 and where it is stored.
- `raw.sector_plan_pages`: one row per PDF page: text, has_text flag, char count.
- `raw.sector_plans_quarantine`: every record, URL or file that could not be used, with why.
"""

from __future__ import annotations

import duckdb

SCHEMA = "raw"
DOCUMENTS_TABLE = f"{SCHEMA}.sector_plan_documents"
FILES_TABLE = f"{SCHEMA}.sector_plan_files"
PAGES_TABLE = f"{SCHEMA}.sector_plan_pages"
QUARANTINE_TABLE = f"{SCHEMA}.sector_plans_quarantine"

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {DOCUMENTS_TABLE} (
    doc_id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    country_as_written VARCHAR NOT NULL,
    country_codes VARCHAR[] NOT NULL,
    country_code VARCHAR,
    listed_year INTEGER NOT NULL,
    period_start_year INTEGER NOT NULL,
    period_end_year INTEGER NOT NULL,
    period_label VARCHAR NOT NULL,
    period_calendar VARCHAR NOT NULL,
    period_converted BOOLEAN NOT NULL,
    other_calendar_label VARCHAR,
    languages VARCHAR[] NOT NULL,
    resource_types VARCHAR[] NOT NULL,
    page_url VARCHAR,
    page_url_year INTEGER,
    page_slug VARCHAR,
    year_differs_from_page_url BOOLEAN,
    documents_on_page INTEGER NOT NULL,
    document_url VARCHAR NOT NULL,
    document_url_repaired BOOLEAN NOT NULL,
    document_file_name VARCHAR NOT NULL,
    document_format VARCHAR,
    source_row_number INTEGER,
    _source VARCHAR NOT NULL,
    _source_sha256 VARCHAR,
    _row_number INTEGER NOT NULL,
    _record_hash VARCHAR NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL,
    plan_key VARCHAR,
    period_source VARCHAR,
    period_note VARCHAR
);
-- added after the first release: warehouses created before them get the columns here
-- (rows loaded before period_source existed all took their period from the title)
ALTER TABLE {DOCUMENTS_TABLE} ADD COLUMN IF NOT EXISTS plan_key VARCHAR;
ALTER TABLE {DOCUMENTS_TABLE} ADD COLUMN IF NOT EXISTS period_source VARCHAR;
ALTER TABLE {DOCUMENTS_TABLE} ADD COLUMN IF NOT EXISTS period_note VARCHAR;
CREATE TABLE IF NOT EXISTS {FILES_TABLE} (
    doc_id VARCHAR NOT NULL,
    document_url VARCHAR NOT NULL,
    document_sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    content_type VARCHAR,
    store_path VARCHAR NOT NULL,
    page_count INTEGER NOT NULL,
    pages_without_text INTEGER NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {PAGES_TABLE} (
    doc_id VARCHAR NOT NULL,
    page_no INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    has_text BOOLEAN NOT NULL,
    char_count INTEGER NOT NULL,
    document_sha256 VARCHAR NOT NULL,
    _extracted_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (
    stage VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    record_ref VARCHAR NOT NULL,
    row_number INTEGER,
    reason_codes VARCHAR[] NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR,
    fetched_at TIMESTAMPTZ NOT NULL
);
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and the four sector-plan tables if they do not exist (idempotent)."""
    con.execute(DDL)
