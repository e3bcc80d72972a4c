"""The Planipolis plan catalogue (export file or scraped records) into `raw.sector_plan_documents`.

Both inputs land first in one temp table of text columns (`CATALOGUE_COLUMNS` + load metadata);
one set-based SQL statement then normalises every row and splits good rows from quarantined
ones. Normalisations (all seen in the real 896-row list): plan period from the title (else from
the listed year, `period_source`), languages
comma-joined, resource types space-joined, several documents (language versions) on one page,
URL year different from the listed year, bare file names as document URLs (rebuilt under the
site's `/sites/default/files/ressources/`), empty page URLs. Countries map to ISO3 through the
`countries` seed and the `xwalk_country_names` seed; an unmapped name is quarantined.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .config import DEFAULT_BASE_URL, canonical_url_sql
from .periods import PeriodError, plan_period
from .raw_schema import DOCUMENTS_TABLE, QUARANTINE_TABLE, ensure_raw_schema

CATALOGUE_COLUMNS = (
    "doc_id",
    "title",
    "country",
    "year",
    "languages",
    "resource_type",
    "planipolis_page_url",
    "document_url",
    "local_filename",
    "source_row_number",
    "word_count",
    "text_chars",
)
OPTIONAL_COLUMNS = ("local_filename", "source_row_number", "word_count", "text_chars")
"""CGD's additions to the Planipolis export: read when present."""
REQUIRED_COLUMNS = tuple(c for c in CATALOGUE_COLUMNS if c not in OPTIONAL_COLUMNS)
"""The columns a catalogue must have."""
RESOURCES_PATH = "/sites/default/files/ressources/"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SEEDS_DIR = REPO_ROOT / "dbt_project" / "seeds" / "reference"
INPUT_TABLE = "_sector_plan_catalogue_input"
PLAN_KEY_SQL = """regexp_replace(
    coalesce(CASE WHEN len(country_codes) = 1 THEN country_codes[1] END,
             array_to_string(country_codes, '+'))
    || '/' || coalesce(page_slug, regexp_replace(lower(regexp_extract(
        document_url, '([^/?#]+)(?:[?#].*)?$', 1)), '\\.[a-z0-9]{2,5}$', '')),
    '[^A-Za-z0-9._+/-]+', '-', 'g')"""
"""A plan's readable key, `<ISO3>/<page slug>` (e.g. `GHA/education-strategic-plan-2018-2030-6512`):
the documents of one plan page (language versions) share it. Without a page URL the document's
file name stands in for the slug; a multi-country plan joins its codes with `+`."""
_PERIOD_FUNCTION = "lt_sector_plan_period"
_PERIOD_TYPE = (
    "STRUCT(start_year INTEGER, end_year INTEGER, label VARCHAR, calendar VARCHAR, "
    "converted BOOLEAN, other_calendar_label VARCHAR, source VARCHAR, note VARCHAR, "
    "error_code VARCHAR, error VARCHAR)"
)


class CatalogueFileError(ValueError):
    """The whole file is unusable (unreadable, or required columns missing)."""


@dataclass
class CatalogueLoad:
    source: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    loaded_by_period_source: dict[str, int] = field(default_factory=dict)
    """Loaded rows by where their period comes from (title, listed_year_to_title_year,
    listed_year)."""


_EMPTY_PERIOD = dict.fromkeys(
    (
        "start_year",
        "end_year",
        "label",
        "calendar",
        "converted",
        "other_calendar_label",
        "source",
        "note",
        "error_code",
        "error",
    )
)


def _period_struct(title: str | None, listed_year: int | None) -> dict:
    try:
        sourced = plan_period(title or "", listed_year)
    except PeriodError as exc:
        return {**_EMPTY_PERIOD, "error_code": exc.code, "error": str(exc)}
    period = sourced.period
    return {
        **_EMPTY_PERIOD,
        "start_year": period.start_year,
        "end_year": period.end_year,
        "label": period.label,
        "calendar": period.calendar,
        "converted": period.converted,
        "other_calendar_label": period.other_calendar_label,
        "source": sourced.source,
        "note": sourced.note,
    }


def _register_period_function(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.InvalidInputException, duckdb.CatalogException):
        con.remove_function(_PERIOD_FUNCTION)
    con.create_function(
        _PERIOD_FUNCTION,
        _period_struct,
        ["VARCHAR", "INTEGER"],
        duckdb.sqltype(_PERIOD_TYPE),
        null_handling="special",
    )


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stage(con: duckdb.DuckDBPyConnection, select_sql: str, source: str) -> None:
    """Create the input table from a relation with (a superset of) the catalogue columns."""
    columns = [d[0] for d in con.execute(f"SELECT * FROM {select_sql} LIMIT 0").description]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CatalogueFileError(
            f"{source}: required catalogue column(s) missing: {', '.join(missing)} "
            f"(found: {', '.join(columns) or 'none'})"
        )
    picked = ", ".join(
        f"CAST({c} AS VARCHAR) AS {c}" if c in columns else f"NULL::VARCHAR AS {c}"
        for c in CATALOGUE_COLUMNS
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {INPUT_TABLE} AS
        SELECT row_number() OVER () AS _row_number, {picked},
               to_json(t)::VARCHAR AS _raw
        FROM {select_sql} AS t"""
    )


def load_catalogue_export(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    base_url: str,
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    excel_extension: Path | None = None,
    fetched_at: datetime | None = None,
    source: str | None = None,
) -> CatalogueLoad:
    """Load a Planipolis catalogue export (CSV, or XLSX with the DuckDB excel extension).

    Bare file names are rebuilt into document URLs on the real Planipolis host, and URLs on
    `base_url` (the configured mirror or replay server) are recorded on it too
    (config.canonical_url), so the catalogue does not depend on where it was served from.
    `source` (default: the file path) is recorded on every row; re-loading the same source
    replaces its rows.
    """
    path = Path(path)
    source = source or str(path)
    if not path.is_file():
        raise CatalogueFileError(f"{path}: no such catalogue file")
    quoted = _sql_text(str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            if excel_extension is None:
                raise CatalogueFileError(f"{path}: the DuckDB excel extension is not available")
            con.execute(f"LOAD {_sql_text(str(excel_extension))}")
            relation = f"read_xlsx({quoted}, header=true, all_varchar=true)"
        elif suffix == ".csv":
            relation = f"read_csv({quoted}, header=true, all_varchar=true, encoding='utf-8')"
        else:
            raise CatalogueFileError(f"{path}: a catalogue export must be .csv or .xlsx")
        _stage(con, relation, source)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise CatalogueFileError(f"{path}: the catalogue could not be read: {first}") from None
    return _normalise_and_load(
        con, source, _file_sha256(path), base_url, seeds_dir, fetched_at, stage="catalogue"
    )


def load_catalogue_records(
    con: duckdb.DuckDBPyConnection,
    records: list[dict],
    *,
    source: str,
    base_url: str,
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    fetched_at: datetime | None = None,
) -> CatalogueLoad:
    """Load catalogue records scraped from listing/plan pages (same keys as the export)."""
    with tempfile.TemporaryDirectory() as tmp:
        ndjson = Path(tmp) / "records.ndjson"
        body = "\n".join(json.dumps({c: r.get(c) for c in CATALOGUE_COLUMNS}) for r in records)
        ndjson.write_text(body + "\n", encoding="utf-8")
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in CATALOGUE_COLUMNS) + "}"
        relation = (
            f"read_json({_sql_text(str(ndjson))}, format='newline_delimited', columns={columns})"
        )
        if records:
            _stage(con, relation, source)
        else:
            _stage(con, f"(SELECT * FROM {relation} LIMIT 0)", source)
    digest = hashlib.sha256(body.encode()).hexdigest()
    return _normalise_and_load(
        con, source, digest, base_url, seeds_dir, fetched_at, stage="listing"
    )


def _normalise_and_load(
    con: duckdb.DuckDBPyConnection,
    source: str,
    source_sha256: str,
    base_url: str,
    seeds_dir: Path,
    fetched_at: datetime | None,
    *,
    stage: str,
) -> CatalogueLoad:
    ensure_raw_schema(con)
    _register_period_function(con)
    fetched_at = fetched_at or datetime.now(UTC)
    countries = _sql_text(str(Path(seeds_dir) / "countries.csv"))
    xwalk = _sql_text(str(Path(seeds_dir) / "xwalk_country_names.csv"))
    resources = _sql_text(DEFAULT_BASE_URL + RESOURCES_PATH)  # canonical, whatever serves it
    page_url = canonical_url_sql("nullif(trim(i.planipolis_page_url), '')", base_url)
    document_url = canonical_url_sql("nullif(trim(i.document_url), '')", base_url)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _sector_plan_catalogue_normalised AS
        WITH names AS (
            SELECT lower(trim(name)) AS name_key, list(DISTINCT code ORDER BY code) AS codes
            FROM (
                SELECT country_name AS name, country_code AS code
                FROM read_csv({countries}, header=true, all_varchar=true)
                UNION ALL
                SELECT name_as_written, country_code
                FROM read_csv({xwalk}, header=true, all_varchar=true)
                WHERE source = 'planipolis'
            )
            GROUP BY 1
        ),
        cleaned AS (
            SELECT
                i._row_number, i._raw,
                nullif(trim(i.doc_id), '') AS doc_id,
                nullif(trim(i.title), '') AS title,
                nullif(trim(i.country), '') AS country,
                trim(i.year) AS year_text,
                try_cast(trim(i.year) AS INTEGER) AS listed_year,
                list_filter(list_transform(string_split(coalesce(i.languages, ''), ','),
                    x -> trim(x)), x -> x <> '') AS languages,
                list_filter(list_transform(string_split(regexp_replace(
                    coalesce(i.resource_type, ''), '\\s+National\\s+', '|National ', 'g'), '|'),
                    x -> trim(x)), x -> x <> '') AS resource_types,
                {page_url} AS page_url,
                {document_url} AS document_url_as_written,
                try_cast(nullif(trim(i.source_row_number), '') AS INTEGER) AS source_row_number,
                {_PERIOD_FUNCTION}(i.title, try_cast(trim(i.year) AS INTEGER)) AS period
            FROM {INPUT_TABLE} AS i
        ),
        derived AS (
            SELECT c.*,
                n.codes AS country_codes,
                CASE
                    WHEN regexp_matches(document_url_as_written, '^https?://[^\\s/]+/\\S*$')
                        THEN document_url_as_written
                    WHEN regexp_matches(document_url_as_written, '^[^/\\s:]+\\.[A-Za-z0-9]{{2,5}}$')
                        THEN {resources} || document_url_as_written
                END AS document_url,
                document_url_as_written IS NOT NULL
                    AND NOT regexp_matches(document_url_as_written, '^https?://')
                    AS document_url_repaired,
                try_cast(regexp_extract(page_url, '/en/(\\d{{4}})/', 1) AS INTEGER)
                    AS page_url_year,
                nullif(regexp_extract(page_url, '/en/\\d{{4}}/([^/?#]+)', 1), '') AS page_slug,
                count(*) OVER (PARTITION BY doc_id) AS doc_id_count,
                row_number() OVER (PARTITION BY doc_id ORDER BY _row_number) AS doc_id_seq
            FROM cleaned AS c
            LEFT JOIN names AS n ON n.name_key = lower(c.country)
        ),
        checked AS (
            SELECT d.*,
                list_filter([
                    CASE WHEN doc_id IS NULL
                        THEN 'missing_doc_id: the row has no doc_id: give it a unique doc_id' END,
                    CASE WHEN doc_id IS NOT NULL AND doc_id_seq > 1
                        THEN 'duplicate_doc_id: doc_id ' || doc_id
                        || ' already appears on an earlier row: give this document its own '
                        || 'doc_id, or delete the row if it repeats the earlier one' END,
                    CASE WHEN title IS NULL
                        THEN 'missing_title: the row has no title: fill in the plan title' END,
                    CASE WHEN country IS NULL
                        THEN 'missing_country: the row has no country: fill in the country'
                        WHEN country_codes IS NULL THEN 'unmapped_country: ' || country
                        || ' is in neither countries.csv nor xwalk_country_names.csv: add a row '
                        || '(name_as_written, country_code, source planipolis) to '
                        || 'dbt_project/seeds/reference/xwalk_country_names.csv' END,
                    CASE WHEN listed_year IS NULL THEN 'invalid_year: year '
                        || coalesce('''' || year_text || '''', 'is empty') || ' is not a year: '
                        || 'put the year Planipolis lists for the plan (e.g. 2018)' END,
                    CASE WHEN document_url_as_written IS NULL
                        THEN 'missing_document_url: the row has no document_url: fill in the '
                        || 'full URL of the document (the PDF link on the plan page)'
                        WHEN document_url IS NULL THEN 'invalid_document_url: '
                        || document_url_as_written || ' is neither a URL nor a file name: put '
                        || 'the full https:// URL of the PDF' END,
                    CASE WHEN title IS NOT NULL AND listed_year IS NOT NULL
                        AND period.error_code IS NOT NULL
                        THEN period.error_code || ': ' || period.error
                        || ': correct the title or the year in the catalogue' END
                ], x -> x IS NOT NULL) AS reasons
            FROM derived AS d
        )
        SELECT *,
            count(*) FILTER (WHERE len(reasons) = 0) OVER (
                PARTITION BY coalesce(page_url, 'row:' || _row_number)) AS documents_on_page
        FROM checked"""
    )
    meta = f"{_sql_text(source)}, {_sql_text(source_sha256)}, {_sql_text(fetched_at.isoformat())}"
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"""DELETE FROM {DOCUMENTS_TABLE}
            WHERE _source = {_sql_text(source)}
               OR doc_id IN (SELECT doc_id FROM _sector_plan_catalogue_normalised
                             WHERE len(reasons) = 0)"""
        )
        con.execute(
            f"DELETE FROM {QUARANTINE_TABLE} WHERE stage = {_sql_text(stage)} "
            f"AND source = {_sql_text(source)}"
        )
        con.execute(
            f"""INSERT INTO {DOCUMENTS_TABLE}
            SELECT doc_id, title, country, country_codes,
                CASE WHEN len(country_codes) = 1 THEN country_codes[1] END,
                listed_year, period.start_year, period.end_year, period.label, period.calendar,
                period.converted, period.other_calendar_label, languages, resource_types,
                page_url, page_url_year, page_slug,
                page_url_year IS NOT NULL AND page_url_year <> listed_year,
                documents_on_page::INTEGER, document_url, document_url_repaired,
                regexp_extract(document_url, '([^/?#]+)(?:[?#].*)?$', 1),
                nullif(lower(regexp_extract(
                    document_url, '\\.([A-Za-z0-9]{{2,5}})(?:[?#].*)?$', 1)), ''),
                source_row_number, s.src, s.sha, _row_number, md5(_raw), s.fetched::TIMESTAMPTZ,
                {PLAN_KEY_SQL}, period.source, period.note
            FROM _sector_plan_catalogue_normalised,
                 (SELECT {meta}) AS s(src, sha, fetched)
            WHERE len(reasons) = 0"""
        )
        con.execute(
            f"""INSERT INTO {QUARANTINE_TABLE}
            SELECT {_sql_text(stage)}, s.src,
                coalesce(doc_id, 'row ' || _row_number), _row_number,
                list_transform(reasons, r -> split_part(r, ':', 1)),
                s.src || ' row ' || _row_number || coalesce(' (' || doc_id || ')', '') || ': '
                    || array_to_string(reasons, '; '),
                _raw, s.fetched::TIMESTAMPTZ
            FROM _sector_plan_catalogue_normalised,
                 (SELECT {meta}) AS s(src, sha, fetched)
            WHERE len(reasons) > 0"""
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    counts = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE len(reasons) = 0)
        FROM _sector_plan_catalogue_normalised"""
    ).fetchone()
    by_reason = dict(
        con.execute(
            """SELECT split_part(r, ':', 1), count(*) FROM (
                SELECT unnest(reasons) AS r FROM _sector_plan_catalogue_normalised)
            GROUP BY 1 ORDER BY 1"""
        ).fetchall()
    )
    by_period_source = dict(
        con.execute(
            """SELECT period.source, count(*) FROM _sector_plan_catalogue_normalised
            WHERE len(reasons) = 0 GROUP BY 1 ORDER BY 2 DESC"""
        ).fetchall()
    )
    return CatalogueLoad(
        source=source,
        rows_read=counts[0],
        rows_loaded=counts[1],
        rows_quarantined=counts[0] - counts[1],
        quarantined_by_reason=by_reason,
        loaded_by_period_source=by_period_source,
    )
