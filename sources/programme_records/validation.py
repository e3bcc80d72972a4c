"""Row-level validation of programme records against the contract, as one set-based query.

Reads the temp table `incoming` (see reader.py), the reference tables loaded by
`load_reference` and the temp table `held` (what the warehouse already holds per programme:
owner and current values, see `load_held`), and writes the temp table `validated`: one row per
record with the trimmed values of every contract column, the contract columns the record
supplied and `reasons`, the list of everything wrong with the row (empty when it is good);
and the temp table `quarantined_text`: the text of each bad row, as submitted.

Cost matters (a million rows must load near the cost of bare DuckDB): the values are trimmed and
checked in one projection, each pattern is matched once per value, values repeated across the
file (actors) are judged once per distinct value, and what needs the whole file first (repeated
programme_refs) goes to small temp tables the planner can build its hash tables on.

Every rule comes from `contract.py`; nothing here restates a pattern, limit or list.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import duckdb

from .contract import (
    COLUMN_NAMES,
    COLUMNS,
    FIELDS_COLUMNS,
    FIGURE_COLUMNS,
    MAX_DURATION_YEARS,
    MAX_YEARS_AHEAD,
    REQUIRED_WITH_AMOUNT,
    WHITESPACE,
    Column,
    full_pattern_sql,
)
from .raw_schema import FILES_TABLE, RECORDS_TABLE, supplied_columns_sql

REFERENCE_KEYS = {
    # seed file relative to the seeds folder -> key column
    "reference/countries.csv": "country_code",
    "reference/currencies.csv": "currency_code",
    "codebook/codebook_team_kinds.csv": "team_kind_code",
    "codebook/codebook_collaboration_models.csv": "collaboration_model_code",
    "codebook/actor_aliases.csv": "alias",
}
NORMALISE = {"country_code": "upper", "funding_currency": "upper"}
"""How a coded value is compared with its seed (default lower case)."""

SHOWN_CHARACTERS = 60
"""How much of a bad value a message quotes."""
COLUMNS_NAMED = 5
"""How many unknown columns a message names (the rest are counted)."""


def _table_for(seed: str) -> str:
    return "ref_" + Path(seed).stem


def load_reference(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """Load the vocabularies the contract refers to from the dbt seeds (one source of truth)."""
    for relative, key in REFERENCE_KEYS.items():
        path = str(seeds_dir / relative).replace("'", "''")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {_table_for(relative)} AS
            SELECT DISTINCT trim({key}) AS code
            FROM read_csv('{path}', header=true, all_varchar=true)
            WHERE {key} IS NOT NULL""")
    models = str(seeds_dir / "codebook/codebook_collaboration_models.csv").replace("'", "''")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ref_model_team_kinds AS
        SELECT collaboration_model_code AS model, team_kind_code AS team_kind
        FROM read_csv('{models}', header=true, all_varchar=true)""")


def load_held(con: duckdb.DuckDBPyConnection, organisation: str) -> None:
    """What the warehouse holds per programme, for the rules that look beyond the file: who owns
    each programme_ref (the organisation that first delivered it) and its current collaboration
    model (a later file may omit the column and keep it)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE held AS
        SELECT lower(programme_ref) AS programme_key,
               arg_min(_organisation, (_delivered_at, _file_name, _row_number)) AS owner,
               arg_min(_file_name, (_delivered_at, _file_name, _row_number)) AS owner_file,
               arg_max_null(collaboration_model, (_delivered_at, _file_name, _row_number))
                   FILTER (list_contains({supplied_columns_sql("r", "f")}, 'collaboration_model'))
                   AS collaboration_model
        FROM {RECORDS_TABLE} AS r LEFT JOIN {FILES_TABLE} AS f ON f.file_id = r._file_id
        GROUP BY 1"""
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE submitter AS SELECT ?::VARCHAR AS organisation",
        [organisation],
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _shown(value_sql: str) -> str:
    """SQL for a value quoted in a message, cut to SHOWN_CHARACTERS characters."""
    return (
        f"'''' || left({value_sql}, {SHOWN_CHARACTERS}) || CASE WHEN length({value_sql}) > "
        f"{SHOWN_CHARACTERS} THEN '...' ELSE '' END || ''''"
    )


Check = tuple[str, str]
"""(SQL condition true when the row breaks the rule, SQL message saying how)."""


def _when(condition: str, message_sql: str) -> Check:
    return condition, message_sql


def _checks(col: Column, reference_year: int) -> list[Check]:
    """The rules `col` must meet, as (condition broken, message) pairs."""
    v, name = f"v_{col.name}", col.name
    value = f"'{name} ' || {_shown(v)}"
    checks = []
    if col.required:
        checks.append(_when(f"{v} IS NULL", f"'{name} is required but empty'"))
    if col.max_length:
        checks.append(
            _when(
                f"length({v}) > {col.max_length}",
                f"'{name} is too long (' || length({v}) || ' characters; at most "
                f"{col.max_length})'",
            )
        )
    shaped = f"ok_{name}"  # regexp_full_match(v, pattern), computed once per row (see _shapes)
    if col.pattern:
        checks.append(_when(f"NOT {shaped}", f"{value} || {_quote(' is not ' + col.pattern_hint)}"))
    if col.allowed:
        allowed = ", ".join(_quote(a) for a in col.allowed)
        checks.append(
            _when(
                f"lower({v}) NOT IN ({allowed})",
                f"{value} || ' is not one of: {', '.join(col.allowed)}'",
            )
        )
    if col.reference:
        what = col.reference.split(": ", 1)[1]
        well_shaped = f" AND {shaped}" if col.pattern else ""
        checks.append(
            _when(
                f"{v} IS NOT NULL{well_shaped} AND NOT known_{name}",  # see _known
                f"{value} || {_quote(' is not ' + what)}",
            )
        )
    number = f"TRY_CAST({v} AS DOUBLE)"
    if col.pattern and col.min_value is not None:
        checks.append(
            _when(
                f"{shaped} AND {number} < {col.min_value:g}",
                f"{value} || ' is below the minimum {col.min_value:,.0f}'",
            )
        )
    if col.pattern and col.max_value is not None:
        checks.append(
            _when(
                f"{shaped} AND {number} > {col.max_value:g}",
                f"{value} || ' is above the maximum {col.max_value:,.0f}'",
            )
        )
    if name == "start_year":
        latest = reference_year + MAX_YEARS_AHEAD
        checks.append(
            _when(
                f"TRY_CAST({v} AS INTEGER) > {latest}",
                f"'start_year ' || {v} || ' is impossible (later than {latest})'",
            )
        )
    if name == "end_year":
        end, start = "TRY_CAST(v_end_year AS INTEGER)", "TRY_CAST(v_start_year AS INTEGER)"
        checks.append(
            _when(
                f"{end} < {start}",
                "'end_year ' || v_end_year || ' is before start_year ' || v_start_year",
            )
        )
        checks.append(
            _when(
                f"{end} - {start} > {MAX_DURATION_YEARS}",
                f"'end_year ' || v_end_year || ' is impossible (more than {MAX_DURATION_YEARS} "
                "years after start_year)'",
            )
        )
    if name in REQUIRED_WITH_AMOUNT:
        checks.append(
            _when(
                f"v_funding_amount IS NOT NULL AND {v} IS NULL",
                f"'{name} is required when funding_amount is given'",
            )
        )
    if name == "collaboration_model":
        checks.append(
            _when(
                "model_team_kind IS NOT NULL AND lower(v_team_kind) IS DISTINCT FROM "
                "model_team_kind",
                "'collaboration_model ' || "
                + _shown("effective_model")
                + " || ' belongs to team kind ' || model_team_kind || ', not ' || "
                + _shown("v_team_kind")
                + " || CASE WHEN NOT supplied_model THEN ' (the model is the one held from "
                "an earlier file; send collaboration_model to change it)' ELSE '' END",
            )
        )
    if col.kind == "fields":
        checks.append(
            _when(
                f"len(unknown_{name}) > 0",
                f"'{name} names ' || array_to_string(list_transform(unknown_{name}, "
                "f -> '''' || f || ''''), ', ') || ' (allowed: " + ", ".join(FIGURE_COLUMNS) + ")'",
            )
        )
    if name == "actors":
        checks.append(
            _when(
                "len(unknown_actors) > 0",
                "'unknown actor(s) ' || array_to_string(list_transform(unknown_actors, "
                "a -> '''' || a || ''''), ', ') || ' (use the codes or aliases of the "
                "actor_aliases seed)'",
            )
        )
    if name == "programme_ref":
        checks.append(
            _when(
                "owner IS NOT NULL AND owner <> organisation",
                f"{value} || ' belongs to organisation ''' || owner || ''' (first delivered "
                "in ' || owner_file || '); a file from ''' || organisation || ''' cannot "
                "change it'",
            )
        )
    return checks


def file_columns(con: duckdb.DuckDBPyConnection) -> list[str] | None:
    """The file's column names when `_record` is a STRUCT (the reader listed them in
    `incoming_columns`; a column `_keys` then lists those each record supplied, when records
    differ), else None (a MAP per record)."""
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'incoming' "
            "AND database_name = 'temp'"
        ).fetchall()
    )
    if not types["_record"].startswith("STRUCT"):
        return None
    rows = con.execute("SELECT name FROM incoming_columns ORDER BY position").fetchall()
    return [n for (n,) in rows]


def column_hints(
    con: duckdb.DuckDBPyConnection, columns: list[str] | None = None
) -> dict[str, str]:
    """For each unknown column name in `incoming`, the contract column it most resembles."""
    unknown = (
        con.execute(
            "SELECT DISTINCT unnest(map_keys(_record)) AS k FROM incoming WHERE _record IS NOT NULL"
        ).fetchall()
        if columns is None
        else [(c,) for c in columns]
    )
    hints = {}
    for (key,) in unknown:
        if key not in COLUMN_NAMES:
            close = difflib.get_close_matches(key, COLUMN_NAMES, n=1, cutoff=0.6)
            hints[key] = f"'{key}' (did you mean '{close[0]}'?)" if close else f"'{key}'"
    return hints


def _has_keys_column(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'incoming' "
            "AND database_name = 'temp' AND column_name = '_keys'"
        ).fetchone()[0]
    )


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_quote(i) for i in items) + "]::VARCHAR[]"


def _split(value_sql: str) -> str:
    return (
        f"list_filter(list_transform(string_split(coalesce({value_sql}, ''), ';'), "
        "a -> regexp_replace(lower(trim(a)), '\\s+', ' ', 'g')), a -> a <> '')"
    )


def trimmed(value_sql: str) -> str:
    """SQL for `nullif(trim(value, WHITESPACE), '')`, trimming only values that start or end
    with whitespace (trim copies every string it returns; most values need no trimming).
    `value_sql` should be a plain column: it is repeated."""
    v = value_sql

    def ends(chars: list[str]) -> str:
        return " OR ".join(f"ends_with({v}, {_quote(ch)})" for ch in chars)

    # (not `ascii(v) IN (...)`: DuckDB plans a long IN list as a join); a value can end with
    # a non-ASCII space only if it has more bytes than characters
    narrow = [ch for ch in WHITESPACE if ch.isascii()]
    wide = [ch for ch in WHITESPACE if not ch.isascii()]
    return (
        f"CASE WHEN {v} = '' THEN NULL WHEN ascii({v}) NOT BETWEEN 33 AND 126 OR {ends(narrow)} "
        f"OR (strlen({v}) <> length({v}) AND ({ends(wide)})) "
        f"THEN nullif(trim({v}, {_quote(WHITESPACE)}), '') ELSE {v} END"
    )


def _known() -> str:
    """`known_<column>`: whether the column's value is in its seed (looked up once per row,
    though the rule's condition and its message both ask)."""
    return ",\n".join(
        f"{NORMALISE.get(c.name, 'lower')}(v_{c.name}) IN (SELECT code FROM "
        f"{_table_for(c.reference.split(': ', 1)[0])}) AS known_{c.name}"
        for c in COLUMNS
        if c.reference
    )


def _shapes() -> str:
    """`ok_<column>`: whether the column's value has the contract's shape (NULL when empty)."""
    return ",\n".join(
        f"regexp_full_match(v_{c.name}, {_quote(full_pattern_sql(c.pattern))}) AS ok_{c.name}"
        for c in COLUMNS
        if c.pattern
    )


def validate_incoming(con: duckdb.DuckDBPyConnection, reference_year: int) -> None:
    """Create the temp table `validated` from `incoming` (see module docstring), and the temp
    table `file_supplied_columns`: one row, the columns every readable record supplied, when the
    file's records all have the same columns (`validated.supplied_columns` is then NULL), else
    no row."""
    columns = file_columns(con)
    hints = column_hints(con, columns)
    hint_map = (
        "MAP {" + ", ".join(f"{_quote(k)}: {_quote(h)}" for k, h in hints.items()) + "}"
        if hints
        else "MAP {}::MAP(VARCHAR, VARCHAR)"
    )
    extracted = ",\n".join(f"_record[{_quote(c)}] AS r_{c}" for c in COLUMN_NAMES)
    values = ",\n".join(f"{trimmed(f'r_{c}')} AS v_{c}" for c in COLUMN_NAMES)
    figures = ", ".join(_quote(f) for f in FIGURE_COLUMNS)
    fields = ",\n".join(
        f"CASE WHEN v_{c} IS NULL THEN []::VARCHAR[] ELSE "
        f"list_filter({_split(f'v_{c}')}, f -> f NOT IN ({figures})) END AS unknown_{c}"
        for c in FIELDS_COLUMNS
    )
    checks: list[Check] = [
        (
            "len(unknown_columns) > 0",
            "'unknown column(s) ' || array_to_string(list_transform("
            f"unknown_columns[1:{COLUMNS_NAMED}], k -> coalesce(({hint_map})[k], k)), ', ') || "
            f"CASE WHEN len(unknown_columns) > {COLUMNS_NAMED} THEN ' and ' || "
            f"(len(unknown_columns) - {COLUMNS_NAMED}) || ' more' ELSE '' END || "
            "' (see the data contract)'",
        ),
        (
            "first_row < _row_number",
            f"'programme_ref ' || {_shown('v_programme_ref')} || ' repeats row ' || first_row "
            "|| ' of the same file'",
        ),
        *(check for col in COLUMNS for check in _checks(col, reference_year)),
    ]
    # Whether a row breaks any rule is a cheap test of booleans; the messages (a list per row)
    # are built only for the rows that do.
    broken = " OR ".join(f"({condition})" for condition, _ in checks)
    messages = ",\n".join(f"CASE WHEN {c} THEN {m} END" for c, m in checks)
    known = ", ".join(_quote(c) for c in COLUMN_NAMES)
    per_record = columns is not None and _has_keys_column(con)
    source = "incoming"
    if per_record:  # each distinct set of keys judged once, then joined to its records
        unknown_columns, supplied_columns = "key_sets.unknown_columns", "key_sets.supplied_columns"
        source = f"""incoming JOIN (
            SELECT _keys, list_filter(_keys, k -> k NOT IN ({known})) AS unknown_columns,
                   list_filter([{known}], k -> list_contains(_keys, k)) AS supplied_columns
            FROM (SELECT DISTINCT coalesce(_keys, []) AS _keys FROM incoming)
        ) AS key_sets ON key_sets._keys = coalesce(incoming._keys, [])"""
    elif columns is None:
        keys = "coalesce(map_keys(_record), [])"
        unknown_columns = f"list_filter({keys}, k -> k NOT IN ({known}))"
        supplied_columns = f"list_filter([{known}], k -> list_contains({keys}, k))"
    else:  # the same columns on every record: lists computed once, not per row
        unknown = [c for c in columns if c not in COLUMN_NAMES]
        supplied = [c for c in COLUMN_NAMES if c in columns]
        unknown_columns = f"CASE WHEN _record IS NOT NULL THEN {_list(unknown)} ELSE [] END"
        supplied_columns = f"CASE WHEN _record IS NOT NULL THEN {_list(supplied)} ELSE [] END"
    # the columns every readable record supplied, when that is the same for all of them (then
    # kept once, here, not on every row of `validated`)
    same_columns = columns is not None and not per_record
    con.execute(
        "CREATE OR REPLACE TEMP TABLE file_supplied_columns AS SELECT ?::VARCHAR[] AS columns "
        "WHERE ?",
        [[c for c in COLUMN_NAMES if c in (columns or [])], same_columns],
    )
    ref = trimmed("_record['programme_ref']")
    actors = trimmed("_record['actors']")
    contract_values = ", ".join(f"v_{c} AS {c}" for c in COLUMN_NAMES)
    # Small tables first (their sizes known to the planner, which then builds its hash tables
    # on them, not on the records): programme_refs given more than once in the file and where
    # first, and each distinct actors value judged once.
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE file_repeats AS
    SELECT lower(programme_ref) AS programme_key, min(_row_number) AS first_row
    FROM (SELECT {ref} AS programme_ref, _row_number FROM incoming)
    WHERE programme_ref IS NOT NULL
    GROUP BY 1 HAVING count(*) > 1""")
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE file_actor_lists AS
    SELECT actors, list_filter({_split("actors")}, a -> NOT list_contains(actor_aliases, a))
               AS unknown_actors
    FROM (SELECT DISTINCT {actors} AS actors FROM incoming)
    CROSS JOIN (SELECT list(code) AS actor_aliases FROM ref_actor_aliases)
    WHERE actors IS NOT NULL""")
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE validated AS
    WITH extracted AS (
        SELECT _row_number, _record, _parse_error, _raw_length,
               {extracted},
               {unknown_columns} AS unknown_columns,
               {supplied_columns} AS supplied_columns
        FROM {source}
    ),
    rows AS (
        SELECT _row_number, _parse_error, _raw_length, unknown_columns,
               supplied_columns,
               {values}
        FROM extracted
    ),
    with_lists AS (
        SELECT rows.*,
               coalesce(actor_lists.unknown_actors, []) AS unknown_actors,
               {fields},
               repeated.first_row,
               held.owner, held.owner_file, submitter.organisation,
               list_contains(supplied_columns, 'collaboration_model') AS supplied_model,
               CASE WHEN list_contains(supplied_columns, 'collaboration_model')
                    THEN v_collaboration_model ELSE held.collaboration_model END
                   AS effective_model,
               {_shapes()},
               {_known()}
        FROM rows
        CROSS JOIN submitter
        LEFT JOIN file_actor_lists AS actor_lists ON actor_lists.actors = rows.v_actors
        LEFT JOIN held ON held.programme_key = lower(rows.v_programme_ref)
        LEFT JOIN file_repeats AS repeated ON repeated.programme_key = lower(rows.v_programme_ref)
    ),
    with_models AS (
        SELECT with_lists.*, models.team_kind AS model_team_kind
        FROM with_lists
        LEFT JOIN ref_model_team_kinds AS models ON models.model = lower(effective_model)
    )
    SELECT
        _row_number, _raw_length,
        {contract_values},
        {"NULL::VARCHAR[]" if same_columns else "supplied_columns"} AS supplied_columns,
        CASE WHEN _parse_error IS NOT NULL THEN [_parse_error]
        WHEN NOT coalesce({broken}, false) THEN []::VARCHAR[]
        ELSE list_filter([
            {messages}
        ], m -> m IS NOT NULL) END AS reasons
    FROM with_models
    """)
    # the record's text, as the reader kept it or rebuilt, for the rows that go to quarantine
    # (in insertion order: a reader's `incoming_raw` may number the file's records as read)
    (in_order,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute("""
        CREATE OR REPLACE TEMP TABLE quarantined_text AS
        SELECT _row_number, coalesce(_raw, incoming_raw(_record, _row_number)) AS _raw
        FROM incoming
        WHERE _row_number IN (SELECT _row_number FROM validated WHERE len(reasons) > 0)""")
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(in_order)}")
