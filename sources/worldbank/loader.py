"""Load one indicator from the API, write-audit-publish, incrementally.

`load_indicator` probes the indicator's `lastupdated` (a one-row request) and skips it when the
last successful load of the same countries saw the same date; otherwise it fetches every page
for the configured countries, stages the rows in DuckDB (parsed set-based from the page bodies),
validates them (`values.validate_staged`), audits the rows about to be published, and then, in
one transaction, replaces the indicator's values for those countries, adds the quarantined
records and records the load (which is the incremental state: it is committed with the data or
not at all). A response the API refuses (an error message at HTTP 200, HTML, a failed request)
fails only this indicator: its load row and a quarantine row name the URL and the reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import duckdb

from ..http_client import PoliteClient
from .api import IndicatorFetch, WorldBankError, fetch_indicator
from .config import Indicator, WorldBankSettings
from .raw_schema import (
    API_LOADS_TABLE,
    API_QUARANTINE_TABLE,
    API_VALUES_TABLE,
    ECONOMIES_TABLE,
    ensure_raw_schema,
)
from .values import (
    Audit,
    AuditFn,
    Validation,
    insert_rejected,
    insert_valid,
    run_audit,
    stage_table,
    validate_staged,
)

LOADED, UNCHANGED, FAILED, FAILED_AUDIT = "loaded", "unchanged", "failed", "failed_audit"


@dataclass
class IndicatorLoad:
    indicator_code: str
    status: str
    last_updated: str | None = None
    pages: int = 0
    validation: Validation = field(default_factory=Validation)
    audit: Audit | None = None
    message: str | None = None
    load_id: str = ""

    def summary(self) -> str:
        v = self.validation
        if self.status == UNCHANGED:
            return f"{self.indicator_code}: unchanged since {self.last_updated}, skipped"
        if self.status == FAILED:
            return f"{self.indicator_code}: failed: {self.message}"
        text = (
            f"{self.indicator_code} (lastupdated {self.last_updated}): {v.rows_read} records "
            f"on {self.pages} pages, {v.rows_valid} values"
        )
        text += f", {v.rows_without_value} without a value, {v.rows_quarantined} quarantined"
        if v.by_reason:
            text += " (" + ", ".join(f"{k} {n}" for k, n in v.by_reason.items()) + ")"
        if self.status == FAILED_AUDIT:
            why = self.audit.description if self.audit else ""
            text += f"; audit failed, nothing published: {why}"
        return text


def last_loaded(con: duckdb.DuckDBPyConnection, indicator_code: str, scope: str) -> str | None:
    """The lastupdated of the indicator's latest successful load of the same countries."""
    row = con.execute(
        f"""SELECT strftime(last_updated, '%Y-%m-%d') FROM {API_LOADS_TABLE}
        WHERE indicator_code = ? AND scope = ? AND status = '{LOADED}'
        ORDER BY _fetched_at DESC LIMIT 1""",
        [indicator_code, scope],
    ).fetchone()
    return row[0] if row else None


def stage_pages(con: duckdb.DuckDBPyConnection, fetch: IndicatorFetch) -> None:
    """`wb_staged` from the page bodies: one row per record, parsed by DuckDB's JSON functions
    (aggregates without an ISO3 code are matched by their two-character id)."""
    stage_table(con)
    con.execute("CREATE OR REPLACE TEMP TABLE wb_pages (url VARCHAR, body VARCHAR, lu VARCHAR)")
    con.executemany(
        "INSERT INTO wb_pages VALUES (?, ?, ?)",
        [(p.url, p.body, p.last_updated) for p in fetch.pages],
    )
    con.execute(
        f"""INSERT INTO wb_staged
        WITH records AS (
            SELECT url, lu, unnest(l) AS r, generate_subscripts(l, 1) AS i
            FROM (SELECT url, lu, json_extract(body, '$[1][*]') AS l FROM wb_pages)
        ),
        fields AS (
            SELECT url, i, lu, r,
                   r->>'$.indicator.id' AS indicator_code, r->>'$.indicator.value' AS ind_name,
                   nullif(trim(r->>'$.countryiso3code'), '') AS iso3,
                   r->>'$.country.id' AS country_id, r->>'$.country.value' AS economy_name,
                   r->>'$.date' AS year_raw, r->>'$.value' AS value_raw,
                   coalesce(json_type(r, '$.value'), 'NULL') = 'NULL' AS value_is_null,
                   r->>'$.obs_status' AS obs_status
            FROM records
        )
        SELECT f.url, f.i, 'row ' || f.i, f.indicator_code, f.ind_name,
               coalesce(f.iso3, e.economy_code, f.country_id), f.economy_name, f.year_raw,
               f.value_raw, f.value_is_null, f.obs_status, TRY_CAST(f.lu AS DATE), f.r::VARCHAR
        FROM fields AS f
        LEFT JOIN {ECONOMIES_TABLE} AS e ON f.iso3 IS NULL AND e.iso2_code = f.country_id"""
    )


def _record_load(con, load: IndicatorLoad, scope: str, source_id: str | None) -> None:
    v = load.validation
    con.execute(
        f"INSERT INTO {API_LOADS_TABLE} VALUES (?, TRY_CAST(? AS DATE), ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, now())",
        [
            load.indicator_code,
            load.last_updated,
            source_id,
            scope,
            load.pages,
            v.rows_read,
            v.rows_valid if load.status == LOADED else 0,
            v.rows_quarantined if load.status == LOADED else 0,
            load.status,
            load.message,
            load.load_id,
        ],
    )


def _in_transaction(con: duckdb.DuckDBPyConnection, work) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        work()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_indicator(
    con: duckdb.DuckDBPyConnection,
    client: PoliteClient,
    settings: WorldBankSettings,
    indicator: Indicator,
    *,
    full_refresh: bool = False,
    audit: AuditFn | None = None,
    max_year: int | None = None,
) -> IndicatorLoad:
    """Load one indicator (see the module docstring). Never raises for a bad response: the
    returned load says `failed` and why; the caller decides how loud to be."""
    ensure_raw_schema(con)
    load = IndicatorLoad(indicator.code, LOADED, load_id=uuid.uuid4().hex)
    scope = settings.scope
    known = None if full_refresh else last_loaded(con, indicator.code, scope)
    try:
        fetch = fetch_indicator(client, settings, indicator.code, known_last_updated=known)
    except WorldBankError as exc:
        error = exc
        load.status, load.message = FAILED, str(error)

        def record_failure() -> None:
            _record_load(con, load, scope, None)
            con.execute(
                f"""INSERT INTO {API_QUARANTINE_TABLE} VALUES ('response', ?, ?, NULL, NULL,
                NULL, ['api_error'], ?, NULL, ?, now())""",
                [error.url, indicator.code, str(error), load.load_id],
            )

        _in_transaction(con, record_failure)
        return load
    load.last_updated = fetch.last_updated
    if fetch.unchanged:  # not recorded: a run with nothing new leaves raw exactly as it was
        load.status = UNCHANGED
        return load
    load.pages = len(fetch.pages)
    stage_pages(con, fetch)
    load.validation = validate_staged(con, [indicator], max_year or dt.date.today().year + 1)
    load.audit = run_audit(con, audit)
    if load.audit is not None and not load.audit.passed:
        load.status, load.message = FAILED_AUDIT, load.audit.description
        _in_transaction(con, lambda: _record_load(con, load, scope, fetch.source_id))
        return load

    def publish() -> None:
        if load.validation.rows_read == 0:
            # `data: null` or an empty page: nothing to replace with, so nothing is erased
            _record_load(con, load, scope, fetch.source_id)
            return
        if settings.countries is None:
            con.execute(
                f"DELETE FROM {API_VALUES_TABLE} WHERE indicator_code = ?", [indicator.code]
            )
        else:
            con.execute(
                f"DELETE FROM {API_VALUES_TABLE} WHERE indicator_code = ? "
                "AND list_contains(?, economy_code)",
                [indicator.code, list(settings.countries)],
            )
        insert_valid(con, API_VALUES_TABLE, load.load_id)
        insert_rejected(con, API_QUARANTINE_TABLE, load.load_id)
        _record_load(con, load, scope, fetch.source_id)

    _in_transaction(con, publish)
    return load
