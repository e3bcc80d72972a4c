"""Validate a DuckDB table against a suite through compact frames, with the same verdicts.

A row-wise expectation (not null, regex, length, between, in set; with or without a row
condition or derived columns) judges each row only by the values of the columns it reads, so GE
reaches the same verdict on the DISTINCT tuples of those columns as on every row. The suite's
expectations are grouped by the columns they read (a derived column or row condition ties its
columns together); DuckDB computes each group's distinct tuples and GE validates each group's
expectations on them. `expect_compound_columns_to_be_unique` gets the rows whose key repeats
(plus one row), and `expect_table_columns_to_match_set` an empty frame with every column. A
column checked only for nulls, lengths or a range is reduced further, to a null if any and its
extreme lengths and values; one checked only for nulls, lengths and patterns of one character
class has each value made of the class's characters replaced by one of the same length (see
`_canonical_sql`).

The expectations still come from the one suite (for the raw programme records: generated from
the contract), GE still evaluates each of them, and any of them can fail. What changes: a failed
expectation counts distinct unexpected values (or tuples), not rows. Expectation types whose
verdict depends on how often values occur (uniqueness of a column, means, row counts) are
refused rather than silently weakened.
"""

from __future__ import annotations

import itertools
import re
import warnings
from typing import TYPE_CHECKING, Any

from . import runner

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

ROW_WISE = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
}
EXTREMES = {
    # verdict fixed by whether a null occurs and the extreme lengths / values
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_be_between",
}
KEY_UNIQUE = "expect_compound_columns_to_be_unique"
COLUMN_SET = "expect_table_columns_to_match_set"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source_columns(column: str, derived: dict[str, str], columns: set[str]) -> set[str]:
    """The table columns a (possibly derived) column is computed from."""
    if column not in derived:
        return {column}
    found: set[str] = set()
    for name in _NAME.findall(derived[column]):
        if name in derived and name != column:
            found |= _source_columns(name, derived, columns)
        elif name in columns:
            found.add(name)
    return found


def groups(suite: dict[str, Any], columns: list[str]) -> list[tuple[list[str], list[dict]]]:
    """Row-wise expectations grouped by the table columns they read (overlapping sets merged)."""
    derived = suite.get("meta", {}).get("derived_columns", {})
    table_columns = set(columns)
    merged: list[tuple[set[str], list[dict]]] = []
    for expectation in suite["expectations"]:
        kind = expectation["type"]
        if kind in (KEY_UNIQUE, COLUMN_SET):
            continue
        if kind not in ROW_WISE:
            raise ValueError(f"{kind} cannot be validated on distinct values")
        kwargs = expectation["kwargs"]
        reads = _source_columns(kwargs["column"], derived, table_columns)
        condition = kwargs.get("row_condition")
        if isinstance(condition, dict):
            reads.add(condition["column"]["name"])
        overlapping = [g for g in merged if g[0] & reads]
        for group in overlapping:
            merged.remove(group)
            reads |= group[0]
        merged.append((reads, [e for g in overlapping for e in g[1]] + [expectation]))
    return [(sorted(cols), expectations) for cols, expectations in merged]


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
        return con.execute(sql).df()


def _one_plain_column(
    columns: list[str], expectations: list[dict], derived: dict[str, str], kinds: set[str]
) -> bool:
    """Whether the group reads one table column, directly (not derived, no row condition),
    with expectations of `kinds` only."""
    return len(columns) == 1 and all(
        e["type"] in kinds
        and not e["kwargs"].get("row_condition")
        and e["kwargs"]["column"] not in derived
        for e in expectations
    )


def _extremes_sql(
    relation: str, columns: list[str], expectations: list[dict], derived: dict[str, str]
) -> str | None:
    """For one column read directly by null/length/range rules only: SQL for a frame of at
    most five values with the same verdicts (a null if any, a non-null value, and the values
    of least and greatest length and value). None when the group needs its distinct values."""
    if not _one_plain_column(columns, expectations, derived, EXTREMES):
        return None
    c = _identifier(columns[0])
    kinds = {e["type"] for e in expectations}
    parts = [
        f"(SELECT {c} FROM {relation} WHERE {c} IS NULL LIMIT 1)",
        f"(SELECT {c} FROM {relation} WHERE {c} IS NOT NULL LIMIT 1)",
    ]
    having = f"FROM {relation} WHERE {c} IS NOT NULL HAVING count(*) > 0"
    if "expect_column_value_lengths_to_be_between" in kinds:
        parts += [
            f"(SELECT arg_min({c}, length({c}::VARCHAR)) {having})",
            f"(SELECT arg_max({c}, length({c}::VARCHAR)) {having})",
        ]
    if "expect_column_values_to_be_between" in kinds:
        parts += [f"(SELECT min({c}) {having})", f"(SELECT max({c}) {having})"]
    return " UNION ALL ".join(parts)


CANONICAL = {
    # verdict unchanged when a value made of a pattern's one class is replaced by another value
    # of the class of the same length
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
}
_PATTERN_TOKEN = re.compile(
    r"\[(?P<cls>(?:[!-Z_-~]|\\[!-/:-@\[-`{-~])+)\]"  # [...] (not negated, ASCII)
    r"|\\(?P<escaped>[!-/:-@\[-`{-~])"  # an escaped punctuation character
    r"|(?P<literal>[A-Za-z0-9 !\"#%&',\-/:;<=>@_`~])"
    r"|(?P<syntax>\(\?:|\((?!\?)|[)|?*+]|\{[0-9]+(?:,[0-9]*)?\})"
)


def _class_members(body: str) -> set[str] | None:
    members: set[str] = set()
    items = re.findall(r"\\.|.", body)
    i = 0
    while i < len(items):
        first = items[i][-1]
        if i + 2 < len(items) and items[i + 1] == "-":
            last = items[i + 2][-1]
            if ord(last) < ord(first):
                return None
            members |= {chr(c) for c in range(ord(first), ord(last) + 1)}
            i += 3
        else:
            members.add(first)
            i += 1
    return members


def _atoms(regex: str) -> list[set[str]] | None:
    """The character sets a regex is built from (its literals and [...] classes), when it uses
    nothing else but groups, alternation, quantifiers and anchors at its ends; else None."""
    body = regex.removeprefix("^")
    body = body.removesuffix("\\Z") if body.endswith("\\Z") else body.removesuffix("$")
    atoms, position = [], 0
    while position < len(body):
        token = _PATTERN_TOKEN.match(body, position)
        if token is None:
            return None
        position = token.end()
        if token["cls"] is not None:
            members = _class_members(token["cls"])
            if members is None:
                return None
            atoms.append(members)
        elif token["syntax"] is None:
            atoms.append({token["escaped"] or token["literal"]})
    return atoms


def _one_class(regexes: list[str]) -> set[str] | None:
    """The characters of the one [...] class (or literal) every regex is built from, when they
    are all built from the same one and nothing else (groups, alternation, quantifiers and end
    anchors aside); else None. Such a regex judges a value whose characters are all in the
    class by its length alone, so one value of each length stands for all of them."""
    classes = [_atoms(regex) for regex in regexes]
    if not classes or any(found is None or len(found) != 1 for found in classes):
        return None
    members = classes[0][0]
    return members if all(found[0] == members for found in classes) else None


def _canonical_sql(
    relation: str, columns: list[str], expectations: list[dict], derived: dict[str, str]
) -> str | None:
    """For one column read directly by null/length rules and patterns of one class only (see
    `_one_class`): SQL for its distinct values after each value made only of the class's
    characters is replaced by the class's least character repeated to the same length (a
    million distinct references become a few shapes); other values stay as they are. None when
    that does not apply."""
    if not _one_plain_column(columns, expectations, derived, CANONICAL):
        return None
    members = _one_class([e["kwargs"]["regex"] for e in expectations if "regex" in e["kwargs"]])
    if members is None:
        return None
    c = _identifier(columns[0])
    in_class = "[" + "".join("\\" + m if not m.isalnum() else m for m in sorted(members)) + "]*"
    least = min(members).replace("'", "''")
    in_class = in_class.replace("'", "''")
    return (
        f"SELECT DISTINCT CASE WHEN regexp_full_match({c}, '{in_class}') THEN "
        f"repeat('{least}', length({c})) ELSE {c} END AS {c} FROM {relation}"
    )


COMBINED_MAX_ROWS = 50_000
"""Group frames up to this many rows are validated together, side by side, in one GE call."""
CHUNK_VECTORS = 64
"""A larger group frame is fetched and validated in chunks of this many DuckDB vectors
(2,048 rows each), so that a million distinct values never sit in pandas at once."""


def _chunks(con: duckdb.DuckDBPyConnection, sql: str):
    """The result of `sql` as DataFrames of CHUNK_VECTORS vectors (at least one, maybe empty)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
        result = con.execute(sql)
        frame = result.fetch_df_chunk(CHUNK_VECTORS)
        yield frame
        while not frame.empty:
            frame = result.fetch_df_chunk(CHUNK_VECTORS)
            if not frame.empty:
                yield frame


def _side_by_side(
    parts: list[tuple[list[dict], pd.DataFrame]], columns: list[str]
) -> tuple[list[dict], pd.DataFrame] | None:
    """One frame holding every part's frame side by side, each repeated (cyclically) to the
    longest one's length, with the table's other columns as nulls; and all their expectations.
    Repeating a frame's rows leaves every row-wise verdict unchanged, and each expectation reads
    only its own part's columns. None when the parts cannot be put side by side (a column in
    two parts, or an empty frame beside a non-empty one)."""
    import numpy as np
    import pandas as pd

    sizes = [len(frame) for _, frame in parts]
    length = max(sizes, default=0)
    if length and not all(sizes):
        return None
    seen: set[str] = set()
    pieces = []
    for _, frame in parts:
        if seen & set(frame.columns):
            return None
        seen |= set(frame.columns)
        positions = np.arange(length) % len(frame) if length else []
        pieces.append(frame.iloc[positions].reset_index(drop=True))
    rest = [c for c in columns if c not in seen]
    pieces.append(pd.DataFrame({c: pd.Series([None] * length, dtype=object) for c in rest}))
    combined = pd.concat(pieces, axis=1)[[c for c in columns if c in seen or c in rest]]
    return [e for expectations, _ in parts for e in expectations], combined


def validate_relation(
    con: duckdb.DuckDBPyConnection, suite_name: str, relation: str
) -> runner.SuiteResult:
    """Validate the DuckDB table or view `relation` (SQL name) against the suite.

    The frames of the row-wise groups (and the column-set check) are first validated side by
    side in one GE call (see `_side_by_side`; GE's cost is mostly per call and expectation, not
    per row); a large group frame and the key-uniqueness frame get calls of their own. Only
    when something fails are the groups validated one by one, for exact counts and examples."""
    suite = runner.suite_dict(suite_name)
    derived = suite.get("meta", {}).get("derived_columns", {})
    empty = _frame(con, f"SELECT * FROM {relation} LIMIT 0")
    columns = list(empty.columns)
    (row_count,) = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    parts: list[tuple[list[dict], pd.DataFrame]] = []
    table_level = [e for e in suite["expectations"] if e["type"] == COLUMN_SET]
    separate: list[tuple[list[dict], pd.DataFrame]] = []
    large: list = []  # (expectations, sql, quick outcome) of the groups validated in chunks
    as_they_are: dict[int, str] = {}  # id(expectations) -> SQL of their distinct values
    for expectation in (e for e in suite["expectations"] if e["type"] == KEY_UNIQUE):
        key = ", ".join(_identifier(c) for c in expectation["kwargs"]["column_list"])
        frame = _frame(
            con,
            f"""SELECT {key} FROM {relation} WHERE ({key}) IN (
                    SELECT ({key}) FROM {relation} GROUP BY ALL HAVING count(*) > 1)
                UNION ALL (SELECT {key} FROM {relation} LIMIT 1)""",
        )
        separate.append(([expectation], frame))
    for group_columns, expectations in groups(suite, columns):
        present = [c for c in group_columns if c in columns]
        if present != group_columns:  # a missing column: let GE say so on the empty frame
            separate.append((expectations, empty))
            continue
        selected = ", ".join(_identifier(c) for c in present)
        distinct = f"SELECT DISTINCT {selected} FROM {relation}"
        canonical = _canonical_sql(relation, present, expectations, derived)
        if canonical:  # its failures are reported on the values as they are
            as_they_are[id(expectations)] = distinct
        sql = _extremes_sql(relation, present, expectations, derived) or canonical or distinct
        chunks = _chunks(con, sql)
        first, second = next(chunks), next(chunks, None)
        if second is None and len(first) <= COMBINED_MAX_ROWS:
            parts.append((expectations, first))
            continue
        # validated chunk by chunk now, before the connection runs another query
        for frame in itertools.chain([first], [second] if second is not None else [], chunks):
            outcome = runner.validate_expectations(
                suite_name, expectations, frame, derived, quick=True
            )
            if not outcome.success:
                break
        large.append((expectations, sql, outcome))
    combined = _side_by_side(parts, columns)
    column_set = [(table_level, empty)] if table_level else []
    calls = (
        [(table_level + combined[0], combined[1]), *separate]
        if combined is not None
        else [*parts, *separate, *column_set]
    )
    results = [
        runner.validate_expectations(suite_name, expectations, frame, derived, quick=True)
        for expectations, frame in calls
    ] + [outcome for *_, outcome in large]
    if not all(r.success for r in results):  # exact counts and examples, group by group
        large_frames = [
            (expectations, _frame(con, as_they_are.get(id(expectations), sql)))
            for expectations, sql, _ in large
        ]
        parts = [
            (e, _frame(con, as_they_are[id(e)]) if id(e) in as_they_are else frame)
            for e, frame in parts
        ]
        results = [
            runner.validate_expectations(suite_name, expectations, frame, derived)
            for expectations, frame in [*parts, *separate, *large_frames, *column_set]
        ]
    return runner.SuiteResult(
        suite_name=suite_name,
        table=runner.suite_table(suite_name),
        success=all(r.success for r in results),
        evaluated=sum(r.evaluated for r in results),
        successful=sum(r.successful for r in results),
        failed=sum(r.failed for r in results),
        row_count=int(row_count),
        failures=[f for r in results for f in r.failures],
    )
