"""Load the raw page files of the literature connectors into DuckDB, set-based.

The run manifests are read with `read_json`; every page not loaded yet (or every page, with
`reload=True`) is read with one `read_json` over the list of files and unnested into
raw.openalex_works / raw.eric_documents with its load metadata. Records without an id go to
raw.literature_quarantine, as do the pages the connectors quarantined and any page file DuckDB
cannot read (the other files of the batch still load). Everything lands in one transaction and
a page is identified by (source, query, run, page), so loading again changes nothing.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .raw_schema import (
    ERIC_DOC_FIELDS,
    ERIC_PAGE_COLUMNS,
    ERIC_TABLE,
    OPENALEX_PAGE_COLUMNS,
    OPENALEX_TABLE,
    OPENALEX_WORK_FIELDS,
    PAGES_TABLE,
    QUARANTINE_TABLE,
    ensure_raw_schema,
)
from .raw_store import MANIFEST

_PAGE_STRUCT = (
    'STRUCT(page INTEGER, file VARCHAR, status VARCHAR, "position" VARCHAR, url VARCHAR, '
    "fetched_at VARCHAR, sha256 VARCHAR, bytes BIGINT, records INTEGER, reason VARCHAR)[]"
)
_MANIFEST_COLUMNS = {
    "source": "VARCHAR",
    "query_id": "VARCHAR",
    "run_id": "VARCHAR",
    "pages": _PAGE_STRUCT,
}
_META = (
    "m.query_id, m.run_id, m.file, m.page, m.page_position, pos, m.sha256, m.fetched_at, $loaded_at"
)
# The abstract in reading order: (position, word) pairs from the inverted index, sorted.
_ABSTRACT = (
    "nullif(array_to_string(list_transform(list_sort(flatten(list_transform("
    "map_entries(r.abstract_inverted_index), e -> list_transform(e.value, "
    "p -> {'p': p, 'w': e.key})))), x -> x.w), ' '), '')"
)


def _columns_literal(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


DEFAULT_MEMORY_LIMIT = "1GB"
# read_json's largest JSON document (a page file). DuckDB sizes its read buffers from it, so a
# generous 1 GiB cost gigabytes of memory; a page of 200 works is a few MB. A larger page is
# quarantined with DuckDB's reason ("maximum_object_size ... exceeded").
MAX_PAGE_BYTES = 64 * 1024 * 1024


def memory_limit_from_env() -> str:
    """LT_LITERATURE_LOAD_MEMORY_LIMIT (DuckDB size, default 1GB; empty or "none": DuckDB's own
    default of 80% of RAM). DuckDB keeps the rows of the load transaction in its buffer pool and
    spills to its temp directory beyond the limit; without one, 200k works peaked at 3.5 GB."""
    value = (os.environ.get("LT_LITERATURE_LOAD_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT).strip()
    return "" if value.lower() == "none" else value


@contextmanager
def _memory_limit(con: duckdb.DuckDBPyConnection, limit: str):
    """Apply DuckDB's memory_limit for the load, then restore the previous one."""
    if not limit:
        yield
        return
    (previous,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.execute("SET memory_limit = ?", [limit])
    try:
        yield
    finally:
        con.execute("SET memory_limit = ?", [previous])


@dataclass
class LiteratureLoad:
    pages_loaded: int = 0
    openalex_works: int = 0
    eric_documents: int = 0
    quarantined_pages: int = 0
    quarantined_records: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.pages_loaded} pages: {self.openalex_works} OpenAlex works, "
            f"{self.eric_documents} ERIC documents; quarantined {self.quarantined_pages} pages "
            f"and {self.quarantined_records} records"
        )


@dataclass(frozen=True)
class _Source:
    name: str
    table: str
    page_columns: dict[str, str]
    unnest: str  # the records list in a page row
    select: str  # record columns, from the struct `r`


def _select_list(fields, extra: str | None = None) -> str:
    return ", ".join([f"r.{name}" for name in fields] + ([extra] if extra else []))


SOURCES = (
    _Source(
        "openalex",
        OPENALEX_TABLE,
        OPENALEX_PAGE_COLUMNS,
        "results",
        _select_list(
            [k for k in OPENALEX_WORK_FIELDS if k != "abstract_inverted_index"], _ABSTRACT
        ),
    ),
    _Source("eric", ERIC_TABLE, ERIC_PAGE_COLUMNS, "response.docs", _select_list(ERIC_DOC_FIELDS)),
)


def load_literature_pages(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    *,
    reload: bool = False,
    memory_limit: str | None = None,
) -> LiteratureLoad:
    """Load the pages under `raw_root` not loaded yet (all of them with `reload`), within
    DuckDB's `memory_limit` (default: memory_limit_from_env())."""
    limit = memory_limit_from_env() if memory_limit is None else memory_limit
    with _memory_limit(con, limit):
        return _load(con, raw_root, reload)


def _load(con: duckdb.DuckDBPyConnection, raw_root: Path, reload: bool) -> LiteratureLoad:
    ensure_raw_schema(con)
    result = LiteratureLoad()
    manifests = sorted(str(p) for p in Path(raw_root).resolve().glob(f"*/*/*/{MANIFEST}"))
    if not manifests:
        return result
    loaded_at = datetime.now(UTC)
    _stage_manifests(con, manifests, reload)
    con.execute("CREATE OR REPLACE TEMP TABLE _lit_failed (file VARCHAR, reason VARCHAR)")
    for (file,) in con.execute(
        "SELECT file FROM _lit_to_load WHERE status = 'ok' ORDER BY file"
    ).fetchall():
        if not Path(file).is_file():
            con.execute("INSERT INTO _lit_failed VALUES (?, 'page file is missing')", [file])
            result.problems.append(f"{file}: page file is missing")
    try:
        counts = _load_in_one_transaction(con, loaded_at)
    except duckdb.Error:
        # Some page file DuckDB cannot read: find it (file by file), then load the others.
        for source in SOURCES:
            for file in _files(con, source):
                try:
                    con.execute(f"SELECT count(*) FROM ({_records_sql(source)})", {"files": [file]})
                except duckdb.Error as exc:
                    reason = f"DuckDB cannot read the page: {str(exc).splitlines()[0]}"
                    con.execute("INSERT INTO _lit_failed VALUES (?, ?)", [file, reason])
                    result.problems.append(f"{file}: {reason}")
        counts = _load_in_one_transaction(con, loaded_at)
    (
        result.openalex_works,
        result.eric_documents,
        result.quarantined_records,
    ) = counts
    result.pages_loaded, result.quarantined_pages = con.execute(
        """SELECT count(*), count(*) FILTER (m.status <> 'ok' OR f.file IS NOT NULL)
           FROM _lit_to_load m LEFT JOIN _lit_failed f ON f.file = m.file"""
    ).fetchone()
    result.problems += [
        f"{source} {query}/{run} page {page} ({position}): {reason}"
        for source, query, run, page, position, reason in con.execute(
            "SELECT source, query_id, run_id, page, page_position, reason FROM _lit_to_load "
            "WHERE status <> 'ok' ORDER BY ALL"
        ).fetchall()
    ]
    return result


def _files(con, source: _Source) -> list[str]:
    return [
        file
        for (file,) in con.execute(
            "SELECT file FROM _lit_to_load WHERE source = ? AND status = 'ok' "
            "AND file NOT IN (SELECT file FROM _lit_failed) ORDER BY file",
            [source.name],
        ).fetchall()
    ]


def _load_in_one_transaction(con, loaded_at) -> tuple[int, int, int]:
    """Replace the rows of the pages being loaded: records (one read_json per source), records
    without an id moved to quarantine, quarantined pages, and the page log."""
    params = {"loaded_at": loaded_at}
    counts = []
    con.execute("BEGIN TRANSACTION")
    try:
        for table in (PAGES_TABLE, QUARANTINE_TABLE):
            con.execute(
                f"""DELETE FROM {table} t USING _lit_to_load m
                    WHERE t.source = m.source AND t.query_id = m.query_id
                      AND t.run_id = m.run_id AND t.page = m.page"""
            )
        bad_records = 0
        for source in SOURCES:
            con.execute(
                f"""DELETE FROM {source.table} t USING _lit_to_load m
                    WHERE m.source = '{source.name}' AND t._query_id = m.query_id
                      AND t._run_id = m.run_id AND t._page = m.page"""
            )
            files = _files(con, source)
            if not files:
                counts.append(0)
                continue
            (inserted,) = con.execute(
                f"""INSERT INTO {source.table}
                    SELECT {source.select}, {_META}
                    FROM ({_records_sql(source)}) AS records
                    JOIN _lit_to_load m ON m.file = records.filename""",
                {**params, "files": files},
            ).fetchone()
            new_rows = f"""FROM {source.table} t JOIN _lit_to_load m
                ON m.source = '{source.name}' AND t._query_id = m.query_id
                AND t._run_id = m.run_id AND t._page = m.page
                WHERE nullif(trim(t.id), '') IS NULL"""
            (bad,) = con.execute(
                f"""INSERT INTO {QUARANTINE_TABLE}
                    SELECT m.source, m.query_id, m.run_id, m.page, m.page_position, t._position,
                           m.file, m.url, 'record has no id',
                           to_json(t)::VARCHAR, m.fetched_at, $loaded_at
                    {new_rows}""",
                params,
            ).fetchone()
            if bad:
                con.execute(f"DELETE FROM {source.table} WHERE nullif(trim(id), '') IS NULL")
            bad_records += bad
            counts.append(inserted - bad)
        _record_pages_and_quarantine(con, loaded_at)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts[0], counts[1], bad_records


def _stage_manifests(con: duckdb.DuckDBPyConnection, manifests: list[str], reload: bool) -> None:
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _lit_to_load AS
            WITH pages AS (
                SELECT source, query_id, run_id, filename, unnest(pages) AS p
                FROM read_json($manifests, columns = {_columns_literal(_MANIFEST_COLUMNS)},
                               filename = true)
            )
            SELECT source, query_id, run_id, p.page AS page, p.status AS status,
                   CASE WHEN p.file IS NOT NULL
                        THEN parse_dirpath(filename) || '/' || p.file END AS file,
                   p."position" AS page_position, p.url AS url,
                   cast(p.fetched_at AS TIMESTAMPTZ) AS fetched_at, p.sha256 AS sha256,
                   p.bytes AS size_bytes, p.records AS records, p.reason AS reason
            FROM pages
            WHERE $reload OR NOT EXISTS (
                SELECT 1 FROM {PAGES_TABLE} l
                WHERE l.source = pages.source AND l.query_id = pages.query_id
                  AND l.run_id = pages.run_id AND l.page = p.page)""",
        {"manifests": manifests, "reload": reload},
    )


def _records_sql(source: _Source) -> str:
    """Every record of the page files $files, with its file and 1-based position."""
    return f"""
        SELECT filename, unnest({source.unnest}) AS r,
               generate_subscripts({source.unnest}, 1) AS pos
        FROM read_json($files, columns = {_columns_literal(source.page_columns)},
                       filename = true, maximum_object_size = {MAX_PAGE_BYTES})"""


def _record_pages_and_quarantine(con, loaded_at) -> None:
    params = {"loaded_at": loaded_at}
    con.execute(
        f"""INSERT INTO {QUARANTINE_TABLE}
            SELECT m.source, m.query_id, m.run_id, m.page, m.page_position, NULL, m.file, m.url,
                   coalesce(f.reason, m.reason), NULL, m.fetched_at, $loaded_at
            FROM _lit_to_load m LEFT JOIN _lit_failed f ON f.file = m.file
            WHERE m.status <> 'ok' OR f.file IS NOT NULL""",
        params,
    )
    con.execute(
        f"""INSERT INTO {PAGES_TABLE}
            SELECT m.source, m.query_id, m.run_id, m.page, m.file,
                   CASE WHEN f.file IS NULL THEN m.status ELSE 'quarantined' END,
                   m.page_position, m.url, m.fetched_at, m.sha256, m.size_bytes, m.records,
                   coalesce(f.reason, m.reason), $loaded_at
            FROM _lit_to_load m LEFT JOIN _lit_failed f ON f.file = m.file""",
        params,
    )
