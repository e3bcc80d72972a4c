"""Row-level validation of programme records against the contract, as one set-based query.

Reads the temp table `incoming` (see reader.py) and the reference tables loaded by
`load_reference`, and writes the temp table `validated`: one row per record with the trimmed
values of every contract column and `reasons`, the list of everything wrong with the row
(empty when the row is good).
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import duckdb

from .contract import (
    COLUMN_NAMES,
    COLUMNS,
    MAX_DURATION_YEARS,
    MAX_YEARS_AHEAD,
    MIN_YEAR,
    Column,
)

REFERENCE_SEEDS = {
    # temp table: (seed file relative to the seeds folder, key column)
    "ref_countries": ("reference/countries.csv", "country_code"),
    "ref_currencies": ("reference/currencies.csv", "currency_code"),
    "ref_team_kinds": ("codebook/codebook_team_kinds.csv", "team_kind_code"),
    "ref_collaboration_models": (
        "codebook/codebook_collaboration_models.csv",
        "collaboration_model_code",
    ),
    "ref_actor_aliases": ("codebook/actor_aliases.csv", "alias"),
}

# Columns checked against a reference seed: column -> (temp table, how the value is normalised).
REFERENCE_CHECKS = {
    "country_code": ("ref_countries", "upper", "an ISO 3166-1 alpha-3 country code"),
    "funding_currency": ("ref_currencies", "upper", "an ISO 4217 currency code"),
    "team_kind": ("ref_team_kinds", "lower", "a team kind of the codebook"),
    "collaboration_model": (
        "ref_collaboration_models",
        "lower",
        "a collaboration model of the codebook",
    ),
}


def load_reference(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """Load the vocabularies the contract refers to from the dbt seeds (one source of truth)."""
    for table, (relative, key) in REFERENCE_SEEDS.items():
        path = str(seeds_dir / relative).replace("'", "''")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT DISTINCT trim({key}) AS code
            FROM read_csv('{path}', header=true, all_varchar=true)
            WHERE {key} IS NOT NULL""")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _shown(value_sql: str) -> str:
    """SQL for a value quoted in a message, cut to 60 characters."""
    return f"'''' || left({value_sql}, 60) || ''''"


def _checks(col: Column, load_year: int) -> list[str]:
    """SQL expressions yielding a message when `col` breaks a rule, else NULL."""
    v, name = f"v_{col.name}", col.name
    checks = []
    if col.required:
        checks.append(f"CASE WHEN {v} IS NULL THEN '{name} is required but empty' END")
    if col.allowed:
        allowed = ", ".join(_quote(a) for a in col.allowed)
        checks.append(
            f"CASE WHEN lower({v}) NOT IN ({allowed}) THEN '{name} ' || {_shown(v)} || "
            f"' is not one of: {', '.join(col.allowed)}' END"
        )
    if name in REFERENCE_CHECKS:
        table, normalise, what = REFERENCE_CHECKS[name]
        checks.append(
            f"CASE WHEN {v} IS NOT NULL AND {normalise}({v}) NOT IN (SELECT code FROM {table}) "
            f"THEN '{name} ' || {_shown(v)} || ' is not {what}' END"
        )
    if name == "programme_ref":
        checks.append(
            f"CASE WHEN NOT regexp_full_match({v}, '[A-Za-z0-9._-]{{3,64}}') THEN "
            f"'programme_ref ' || {_shown(v)} || ' must be 3-64 letters, digits, dots, "
            f"underscores or hyphens' END"
        )
    if col.kind == "year":
        latest = load_year + MAX_YEARS_AHEAD
        checks.append(
            f"CASE WHEN {v} IS NOT NULL AND NOT regexp_full_match({v}, '-?[0-9]+') "
            f"THEN '{name} ' || {_shown(v)} || ' is not a year (whole number)' "
            f"WHEN TRY_CAST({v} AS INTEGER) < {MIN_YEAR} OR TRY_CAST({v} AS INTEGER) IS NULL "
            f"AND {v} IS NOT NULL THEN '{name} ' || {v} || ' is impossible (before {MIN_YEAR})' END"
        )
        if name == "start_year":
            checks.append(
                f"CASE WHEN TRY_CAST({v} AS INTEGER) > {latest} THEN 'start_year ' || {v} || "
                f"' is impossible (later than {latest})' END"
            )
        if name == "end_year":
            checks.append(
                "CASE WHEN TRY_CAST(v_end_year AS INTEGER) < TRY_CAST(v_start_year AS INTEGER) "
                "THEN 'end_year ' || v_end_year || ' is before start_year ' || v_start_year "
                "WHEN TRY_CAST(v_end_year AS INTEGER) - TRY_CAST(v_start_year AS INTEGER) > "
                f"{MAX_DURATION_YEARS} THEN 'end_year ' || v_end_year || ' is impossible (more "
                f"than {MAX_DURATION_YEARS} years after start_year)' END"
            )
    if col.kind == "count":
        checks.append(
            f"CASE WHEN regexp_full_match({v}, '-[0-9]+([.][0-9]*)?') THEN '{name} ' || {v} || "
            f"' is negative' "
            f"WHEN {v} IS NOT NULL AND NOT regexp_full_match({v}, '[0-9]+') THEN '{name} ' || "
            f"{_shown(v)} || ' is not a whole number' "
            f"WHEN {v} IS NOT NULL AND TRY_CAST({v} AS BIGINT) IS NULL THEN '{name} ' || "
            f"{_shown(v)} || ' is too large' END"
        )
    if col.kind == "amount":
        checks.append(
            f"CASE WHEN {v} IS NOT NULL AND TRY_CAST({v} AS DECIMAL(18, 2)) IS NULL "
            f"THEN '{name} ' || {_shown(v)} || ' is not a number (use . for decimals, no "
            f"thousands separators)' "
            f"WHEN TRY_CAST({v} AS DECIMAL(18, 2)) < 0 THEN '{name} ' || {v} || ' is negative' END"
        )
    if col.kind == "url":
        checks.append(
            f"CASE WHEN NOT regexp_full_match({v}, 'https?://[^[:space:]]+') THEN '{name} ' || "
            f"{_shown(v)} || ' is not an http(s) URL' END"
        )
    if name in ("funding_currency", "funding_period"):
        checks.append(
            f"CASE WHEN v_funding_amount IS NOT NULL AND {v} IS NULL THEN '{name} is required "
            f"when funding_amount is given' END"
        )
    if name == "actors":
        checks.append(
            "CASE WHEN len(unknown_actors) > 0 THEN 'unknown actor(s) ' || "
            "array_to_string(list_transform(unknown_actors, a -> '''' || a || ''''), ', ') || "
            "' (use the codes or aliases of the actor_aliases seed)' END"
        )
    return checks


def column_hints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """For each unknown column name in `incoming`, the contract column it most resembles."""
    unknown = con.execute(
        "SELECT DISTINCT unnest(map_keys(_record)) AS k FROM incoming WHERE _record IS NOT NULL"
    ).fetchall()
    hints = {}
    for (key,) in unknown:
        if key not in COLUMN_NAMES:
            close = difflib.get_close_matches(key, COLUMN_NAMES, n=1, cutoff=0.6)
            hints[key] = f"'{key}' (did you mean '{close[0]}'?)" if close else f"'{key}'"
    return hints


def validate_incoming(con: duckdb.DuckDBPyConnection, load_year: int | None = None) -> None:
    """Create the temp table `validated` from `incoming` (see module docstring)."""
    load_year = load_year or date.today().year
    hints = column_hints(con)
    hint_map = (
        "MAP {" + ", ".join(f"{_quote(k)}: {_quote(h)}" for k, h in hints.items()) + "}"
        if hints
        else "MAP {}::MAP(VARCHAR, VARCHAR)"
    )
    values = ",\n".join(f"nullif(trim(_record[{_quote(c)}]), '') AS v_{c}" for c in COLUMN_NAMES)
    checks = ",\n".join(check for col in COLUMNS for check in _checks(col, load_year))
    known = ", ".join(_quote(c) for c in COLUMN_NAMES)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE validated AS
    WITH aliases AS (SELECT list(code) AS actor_aliases FROM ref_actor_aliases),
    rows AS (
        SELECT _row_number, _record, _parse_error, _raw,
               {values},
               list_filter(coalesce(map_keys(_record), []), k -> k NOT IN ({known}))
                   AS unknown_columns
        FROM incoming
    ),
    with_lists AS (
        SELECT rows.*,
               list_filter(
                   list_transform(string_split(coalesce(v_actors, ''), ';'),
                                  a -> regexp_replace(lower(trim(a)), '\\s+', ' ', 'g')),
                   a -> a <> '' AND NOT list_contains(actor_aliases, a)) AS unknown_actors,
               CASE WHEN v_programme_ref IS NOT NULL THEN first_value(_row_number) OVER (
                   PARTITION BY lower(v_programme_ref) ORDER BY _row_number) END AS first_row
        FROM rows, aliases
    )
    SELECT
        _row_number, _raw,
        {", ".join(f"v_{c} AS {c}" for c in COLUMN_NAMES)},
        CASE WHEN _parse_error IS NOT NULL THEN [_parse_error]
        ELSE list_filter([
            CASE WHEN len(unknown_columns) > 0 THEN 'unknown column(s) ' || array_to_string(
                list_transform(unknown_columns, k -> coalesce(({hint_map})[k], k)), ', ')
                || ' (see the data contract)' END,
            CASE WHEN first_row < _row_number THEN 'programme_ref ' || {_shown("v_programme_ref")}
                || ' repeats row ' || first_row || ' of the same file' END,
            {checks}
        ], m -> m IS NOT NULL) END AS reasons
    FROM with_lists
    """)
