"""DDL of the literature raw layer, and the types DuckDB's `read_json` reads page files with.

Works and documents keep the selected fields of the payload with their nested structure
(structs and lists typed as the services document them), plus load metadata: the page file,
its SHA-256, the page number and cursor or offset, the position in the page, the query, the run
and when it was fetched and loaded. The OpenAlex abstract is stored rebuilt from its inverted
index. `ensure_raw_schema` creates empty tables so dbt builds on a fresh warehouse.
"""

from __future__ import annotations

import duckdb

SCHEMA = "raw"
PAGES_TABLE = f"{SCHEMA}.literature_pages"
OPENALEX_TABLE = f"{SCHEMA}.openalex_works"
ERIC_TABLE = f"{SCHEMA}.eric_documents"
QUARANTINE_TABLE = f"{SCHEMA}.literature_quarantine"

_NAMED = "STRUCT(id VARCHAR, display_name VARCHAR)"
_TOPIC = (
    f"STRUCT(id VARCHAR, display_name VARCHAR, score DOUBLE, subfield {_NAMED}, "
    f"field {_NAMED}, domain {_NAMED})"
)
_INSTITUTION = (
    "STRUCT(id VARCHAR, display_name VARCHAR, ror VARCHAR, country_code VARCHAR, type VARCHAR)"
)
# Field -> DuckDB type, for the fields the connector selects (sources.openalex.SELECT_FIELDS).
OPENALEX_WORK_FIELDS = {
    "id": "VARCHAR",
    "doi": "VARCHAR",
    "title": "VARCHAR",
    "display_name": "VARCHAR",
    "publication_year": "INTEGER",
    "publication_date": "VARCHAR",
    "type": "VARCHAR",
    "language": "VARCHAR",
    "primary_location": (
        "STRUCT(is_oa BOOLEAN, landing_page_url VARCHAR, pdf_url VARCHAR, "
        "source STRUCT(id VARCHAR, display_name VARCHAR, issn_l VARCHAR, type VARCHAR), "
        "license VARCHAR, version VARCHAR)"
    ),
    "open_access": (
        "STRUCT(is_oa BOOLEAN, oa_status VARCHAR, oa_url VARCHAR, "
        "any_repository_has_fulltext BOOLEAN)"
    ),
    "authorships": (
        "STRUCT(author_position VARCHAR, "
        "author STRUCT(id VARCHAR, display_name VARCHAR, orcid VARCHAR), "
        f"institutions {_INSTITUTION}[], countries VARCHAR[], is_corresponding BOOLEAN, "
        "raw_author_name VARCHAR)[]"
    ),
    "primary_topic": _TOPIC,
    "topics": f"{_TOPIC}[]",
    "cited_by_count": "INTEGER",
    "referenced_works": "VARCHAR[]",
    "abstract_inverted_index": "MAP(VARCHAR, INTEGER[])",
    "updated_date": "VARCHAR",
}
OPENALEX_PAGE_COLUMNS = {
    "meta": "STRUCT(count BIGINT, next_cursor VARCHAR)",
    "results": "STRUCT(" + ", ".join(f"{k} {v}" for k, v in OPENALEX_WORK_FIELDS.items()) + ")[]",
}

# ERIC: fields whose shape is not documented (list or text) are kept as JSON.
ERIC_DOC_FIELDS = {
    "id": "VARCHAR",
    "title": "VARCHAR",
    "author": "VARCHAR[]",
    "description": "VARCHAR",
    "subject": "VARCHAR[]",
    "publicationtype": "VARCHAR[]",
    "publicationdateyear": "INTEGER",
    "language": "VARCHAR[]",
    "issn": "VARCHAR[]",
    "isbn": "VARCHAR[]",
    "source": "VARCHAR",
    "publisher": "VARCHAR",
    "peerreviewed": "VARCHAR",
    "educationlevel": "JSON",
    "url": "VARCHAR",
    "e_fulltextauth": "JSON",
}
ERIC_PAGE_COLUMNS = {
    "response": "STRUCT(numFound BIGINT, start BIGINT, docs STRUCT("
    + ", ".join(f"{k} {v}" for k, v in ERIC_DOC_FIELDS.items())
    + ")[])"
}

_LOAD_METADATA = """
    _query_id VARCHAR NOT NULL,
    _run_id VARCHAR NOT NULL,
    _file VARCHAR NOT NULL,
    _page INTEGER NOT NULL,
    _page_position VARCHAR NOT NULL,
    _position INTEGER NOT NULL,
    _page_sha256 VARCHAR NOT NULL,
    _fetched_at TIMESTAMPTZ NOT NULL,
    _loaded_at TIMESTAMPTZ NOT NULL"""

_OPENALEX_COLUMNS = {
    k: v for k, v in OPENALEX_WORK_FIELDS.items() if k != "abstract_inverted_index"
}
_OPENALEX_COLUMNS["abstract"] = "VARCHAR"

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {PAGES_TABLE} (
    source VARCHAR NOT NULL,
    query_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    page INTEGER NOT NULL,
    file VARCHAR,
    status VARCHAR NOT NULL,
    page_position VARCHAR NOT NULL,
    url VARCHAR,
    fetched_at TIMESTAMPTZ NOT NULL,
    sha256 VARCHAR,
    size_bytes BIGINT,
    records INTEGER,
    reason VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {OPENALEX_TABLE} (
    {", ".join(f"{k} {v}" for k, v in _OPENALEX_COLUMNS.items())},{_LOAD_METADATA}
);
CREATE TABLE IF NOT EXISTS {ERIC_TABLE} (
    {", ".join(f"{k} {v}" for k, v in ERIC_DOC_FIELDS.items())},{_LOAD_METADATA}
);
CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (
    source VARCHAR NOT NULL,
    query_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    page INTEGER NOT NULL,
    page_position VARCHAR NOT NULL,
    record_position INTEGER,
    file VARCHAR,
    url VARCHAR,
    reason VARCHAR NOT NULL,
    raw_record VARCHAR,
    fetched_at TIMESTAMPTZ NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and the literature tables if they do not exist (idempotent)."""
    con.execute(DDL)
