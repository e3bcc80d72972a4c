"""Validation and publication of indicator values, shared by the API and the bulk CSV paths.

Both paths first stage what they read into the temp table `wb_staged` (one row per record, all
text: source_url, record_no, record_ref, indicator_code, indicator_name, economy_code,
economy_name, year_raw, value_raw, value_is_null, obs_status, last_updated, raw).
`validate_staged` then sorts it, set-based, into `wb_valid` (typed rows about to be
published) and `wb_rejected` (every problem of a record, with the reason); records without
a value are no observation and go to neither.
The audit (GE suite `raw_worldbank_values`) runs on `wb_valid` before anything is published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from .config import MIN_YEAR, Indicator
from .raw_schema import ECONOMIES_TABLE

STAGED_COLUMNS = (
    "source_url VARCHAR, record_no BIGINT, record_ref VARCHAR, indicator_code VARCHAR, "
    "indicator_name VARCHAR, "
    "economy_code VARCHAR, economy_name VARCHAR, year_raw VARCHAR, value_raw VARCHAR, "
    "value_is_null BOOLEAN, obs_status VARCHAR, last_updated DATE, raw VARCHAR"
)

# reason code -> (SQL condition on a staged record `s`, message). Checked in this order; every
# failing rule is recorded. `duplicate` is added afterwards (the same economy, indicator and
# year twice in one load: the first is kept).
RECORD_RULES: dict[str, tuple[str, str]] = {
    "unexpected_indicator": (
        "NOT list_contains($indicators, s.indicator_code)",
        "'indicator ' || coalesce(s.indicator_code, '(none)') || ' is not one this load asked "
        "for (' || array_to_string($indicators, ', ') || ')'",
    ),
    "unknown_economy": (
        "s.economy_code IS NULL OR s.economy_code NOT IN (SELECT economy_code FROM economies)",
        "'economy ' || coalesce(s.economy_code, '(none)') || ' (' || coalesce(s.economy_name, "
        "'') || ') is not in the World Bank country metadata'",
    ),
    "invalid_year": (
        "TRY_CAST(s.year_raw AS INTEGER) IS NULL",
        "'year ' || coalesce('''' || s.year_raw || '''', '(none)') || ' is not a year'",
    ),
    "year_out_of_range": (
        "TRY_CAST(s.year_raw AS INTEGER) NOT BETWEEN $min_year AND $max_year",
        "'year ' || s.year_raw || ' is outside ' || $min_year || '-' || $max_year",
    ),
    "non_numeric_value": (
        "TRY_CAST(s.value_raw AS DOUBLE) IS NULL OR NOT isfinite(TRY_CAST(s.value_raw AS DOUBLE))",
        "'value ''' || s.value_raw || ''' is not a number'",
    ),
}


@dataclass
class Validation:
    rows_read: int = 0
    rows_valid: int = 0
    rows_without_value: int = 0
    rows_quarantined: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


def stage_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE wb_staged ({STAGED_COLUMNS})")


def validate_staged(
    con: duckdb.DuckDBPyConnection,
    indicators: list[Indicator],
    max_year: int,
    *,
    min_year: int = MIN_YEAR,
) -> Validation:
    """Sort `wb_staged` into `wb_valid` and `wb_rejected` (see the module docstring)."""
    params = {
        "indicators": [i.code for i in indicators],
        "min_year": min_year,
        "max_year": max_year,
    }
    checks = ",\n".join(
        f"CASE WHEN coalesce({condition}, true) "
        f"THEN struct_pack(code := '{code}', msg := coalesce({message}, '{code}')) END"
        for code, (condition, message) in RECORD_RULES.items()
    )
    # the list of problems is only built for a record that has one (most have none)
    any_problem = " OR ".join(f"coalesce({c}, true)" for c, _ in RECORD_RULES.values())
    # `raw` (the widest column) stays in wb_staged; duplicates are found by a hash aggregate
    # on the keys seen more than once, cheaper than a window over every record.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE wb_checked AS
        WITH economies AS (SELECT economy_code FROM {ECONOMIES_TABLE}),
        present AS (SELECT rowid AS rid, * EXCLUDE (raw) FROM wb_staged WHERE NOT value_is_null),
        repeated AS (
            SELECT indicator_code, economy_code, year_raw, min(rid) AS first_rid
            FROM present GROUP BY ALL HAVING count(*) > 1
        ),
        checked AS (
            SELECT s.*,
                   CASE WHEN {any_problem}
                        THEN list_filter([{checks}], x -> x IS NOT NULL)
                        ELSE []::STRUCT(code VARCHAR, msg VARCHAR)[] END AS problems,
                   r.first_rid IS NOT NULL AND s.rid <> r.first_rid AS repeated
            FROM present AS s
            LEFT JOIN repeated AS r
                ON r.indicator_code = s.indicator_code AND r.economy_code = s.economy_code
                AND r.year_raw = s.year_raw
        )
        SELECT * EXCLUDE (repeated), repeated AND len(problems) = 0 AS is_duplicate
        FROM checked""",
        params,
    )
    units = {i.code: i.unit for i in indicators}
    con.execute("CREATE OR REPLACE TEMP TABLE wb_units (indicator_code VARCHAR, unit VARCHAR)")
    con.executemany("INSERT INTO wb_units VALUES (?, ?)", list(units.items()))
    con.execute(
        """CREATE OR REPLACE TEMP TABLE wb_valid AS
        SELECT c.indicator_code, c.indicator_name, c.economy_code, c.economy_name,
               CAST(c.year_raw AS INTEGER) AS year, CAST(c.value_raw AS DOUBLE) AS value,
               c.obs_status, c.last_updated, c.source_url, u.unit,
               CASE WHEN u.unit IN ('percent', 'percent_of_gdp')
                    THEN CAST(c.value_raw AS DOUBLE) END AS percent_value
        FROM wb_checked AS c JOIN wb_units AS u USING (indicator_code)
        WHERE len(c.problems) = 0 AND NOT c.is_duplicate"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE wb_rejected AS
        SELECT c.source_url, c.indicator_code, c.economy_code, c.year_raw, c.value_raw, s.raw,
               CASE WHEN c.is_duplicate THEN ['duplicate']
                    ELSE list_transform(c.problems, p -> p.code) END AS reason_codes,
               c.source_url || ': ' || c.record_ref || ' (' || coalesce(c.indicator_code, '?')
               || ', ' || coalesce(c.economy_code, '?') || ', ' || coalesce(c.year_raw, '?')
               || '): ' || CASE WHEN c.is_duplicate
                   THEN 'the same indicator, economy and year again in this load (first kept)'
                   ELSE array_to_string(list_transform(c.problems, p -> p.msg), '; ') END
               AS reason
        FROM wb_checked AS c JOIN wb_staged AS s ON s.rowid = c.rid
        WHERE len(c.problems) > 0 OR c.is_duplicate"""
    )
    read, without = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE value_is_null) FROM wb_staged"
    ).fetchone()
    result = Validation(rows_read=read, rows_without_value=without)
    result.rows_valid = con.execute("SELECT count(*) FROM wb_valid").fetchone()[0]
    result.by_reason = dict(
        con.execute(
            "SELECT code, count(*) FROM (SELECT unnest(reason_codes) AS code FROM wb_rejected) "
            "GROUP BY code ORDER BY count(*) DESC, code"
        ).fetchall()
    )
    result.rows_quarantined = con.execute("SELECT count(*) FROM wb_rejected").fetchone()[0]
    return result


@dataclass
class Audit:
    passed: bool
    description: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


AuditFn = Callable[[Any], Audit]
"""Called with the pandas DataFrame of `wb_valid` before anything is published."""


def run_audit(con: duckdb.DuckDBPyConnection, audit: AuditFn | None) -> Audit | None:
    if audit is None:
        return None
    return audit(con.execute("SELECT * FROM wb_valid").df())


def insert_valid(con: duckdb.DuckDBPyConnection, table: str, load_id: str) -> None:
    con.execute(
        f"""INSERT INTO {table}
        SELECT indicator_code, indicator_name, economy_code, economy_name, year, value,
               obs_status, last_updated, source_url, ?, now()
        FROM wb_valid""",
        [load_id],
    )


def insert_rejected(con: duckdb.DuckDBPyConnection, table: str, load_id: str) -> None:
    con.execute(
        f"""INSERT INTO {table}
        SELECT 'record', source_url, indicator_code, economy_code, year_raw, value_raw,
               reason_codes, reason, raw, ?, now()
        FROM wb_rejected""",
        [load_id],
    )


AUDIT_RULES: tuple[dict[str, Any], ...] = (
    # What validate_staged does not already guarantee: it checks that a value is a finite
    # number, not what numbers make sense for the indicator's unit.
    {
        "rule": "no indicator the project loads can be negative (ratios, shares, counts, spending)",
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "value", "min_value": 0},
    },
    {
        "rule": "a percentage (of teachers, of GDP) is at most 100",
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "percent_value", "min_value": 0, "max_value": 100},
    },
    {
        "rule": "every value carries its indicator's unit (the indicator is configured)",
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "unit"},
    },
    {
        "rule": "every value carries the indicator's release date (lastupdated), which the "
        "incremental load and the newer-release-wins rule rely on",
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "last_updated"},
    },
)
