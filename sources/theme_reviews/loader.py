"""Load the review file and the dev-set evaluation into raw tables, write-audit-publish.

The review file (`LT_THEME_REVIEWS_PATH`, default `reviews/theme_mentions.csv`) is the whole
state of the analysts' decisions: columns mention_id, decision (accepted|rejected), reviewer,
reviewed_at (ISO date or timestamp), note (optional). Each load replaces the raw table in one
transaction: valid rows to raw.theme_mention_reviews, the others to
raw.theme_mention_reviews_quarantine with the file, row number and reason. Reviews are keyed on
the mention's stable id, so they survive rebuilds and codebook changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .raw_schema import ensure_raw_schema

REVIEW_COLUMNS = ("mention_id", "decision", "reviewer", "reviewed_at", "note")
REQUIRED_COLUMNS = REVIEW_COLUMNS[:4]
DECISIONS = ("accepted", "rejected")


@dataclass
class ReviewLoad:
    source: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    missing_file: bool = False


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# one reason per rule, first failing rule wins (the order is the order of the checks)
_REASONS = [
    ("mention_id IS NULL OR trim(mention_id) = ''", "mention_id is empty"),
    (
        "NOT regexp_full_match(lower(trim(mention_id)), '[0-9a-f]{32}')",
        "mention_id is not a mention id (32 hex digits, from fct_plan_theme_mention)",
    ),
    (
        f"coalesce(lower(trim(decision)), '') NOT IN {DECISIONS}",
        "decision must be accepted or rejected",
    ),
    ("reviewer IS NULL OR trim(reviewer) = ''", "reviewer is empty"),
    (
        "try_cast(trim(reviewed_at) AS TIMESTAMP) IS NULL",
        "reviewed_at is not a date or timestamp (YYYY-MM-DD[ HH:MM:SS])",
    ),
]


def load_reviews(con: duckdb.DuckDBPyConnection, path: Path) -> ReviewLoad:
    """Replace the raw review tables with the content of `path` (a missing file: no reviews)."""
    ensure_raw_schema(con)
    path = Path(path)
    load = ReviewLoad(source=str(path))
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM raw.theme_mention_reviews")
        con.execute("DELETE FROM raw.theme_mention_reviews_quarantine")
        if not path.exists():
            load.missing_file = True
        else:
            _load_file(con, path, load)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return load


def _load_file(con: duckdb.DuckDBPyConnection, path: Path, load: ReviewLoad) -> None:
    source = _sql_string(str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        relation = con.sql(
            f"SELECT * FROM read_csv({source}, header = true, all_varchar = true, "
            "auto_detect = true, null_padding = true)"
        )
        columns = [c.lower().strip() for c in relation.columns]
    except duckdb.Error as error:
        _quarantine_file(con, path, f"{path}: not a readable CSV: {error}", load)
        return
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        _quarantine_file(
            con,
            path,
            f"{path}: no column(s) {', '.join(missing)} (found {', '.join(columns)})",
            load,
        )
        return
    note = "note" if "note" in columns else "NULL"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE review_rows AS
            SELECT row_number() OVER () + 1 AS source_row,
                CAST(mention_id AS VARCHAR) AS mention_id, CAST(decision AS VARCHAR) AS decision,
                CAST(reviewer AS VARCHAR) AS reviewer, CAST(reviewed_at AS VARCHAR) AS reviewed_at,
                CAST({note} AS VARCHAR) AS note
            FROM read_csv({source}, header = true, all_varchar = true, null_padding = true)"""
    )
    reason = "CASE " + " ".join(f"WHEN {rule} THEN {_sql_string(why)}" for rule, why in _REASONS)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE review_checked AS SELECT *, {reason} END AS reason "
        "FROM review_rows"
    )
    con.execute(
        f"""INSERT INTO raw.theme_mention_reviews
            SELECT lower(trim(mention_id)), lower(trim(decision)), trim(reviewer),
                cast(trim(reviewed_at) AS TIMESTAMP), nullif(trim(note), ''), {source},
                source_row, '{digest}'
            FROM review_checked WHERE reason IS NULL"""
    )
    con.execute(
        f"""INSERT INTO raw.theme_mention_reviews_quarantine
            SELECT {source}, source_row,
                to_json({{mention_id: mention_id, decision: decision, reviewer: reviewer,
                          reviewed_at: reviewed_at, note: note}})::VARCHAR,
                {source} || ' row ' || source_row || ': ' || reason
            FROM review_checked WHERE reason IS NOT NULL"""
    )
    load.rows_read = con.execute("SELECT count(*) FROM review_checked").fetchone()[0]
    load.rows_quarantined = con.execute(
        "SELECT count(*) FROM review_checked WHERE reason IS NOT NULL"
    ).fetchone()[0]
    load.rows_loaded = load.rows_read - load.rows_quarantined
    load.quarantined_by_reason = dict(
        con.execute(
            "SELECT reason, count(*) FROM review_checked WHERE reason IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    con.execute("DROP TABLE review_checked")
    con.execute("DROP TABLE review_rows")


def _quarantine_file(con, path: Path, reason: str, load: ReviewLoad) -> None:
    con.execute(
        "INSERT INTO raw.theme_mention_reviews_quarantine VALUES (?, NULL, NULL, ?)",
        [str(path), reason],
    )
    load.rows_quarantined = 1
    load.quarantined_by_reason = {reason: 1}


def load_dev_eval(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Replace raw.theme_coding_dev_eval with the per-concept figures of a `make code-eval` JSON
    report (every part: all plans, half A, half B); a missing file leaves it empty."""
    ensure_raw_schema(con)
    path = Path(path)
    rows = []
    if path.exists():
        report = json.loads(path.read_text(encoding="utf-8"))
        for part, result in report.get("results", {}).items():
            for c in result.get("concepts", []):
                rows.append(
                    (
                        part,
                        c["concept_code"],
                        c["language"],
                        c.get("positives"),
                        c.get("negatives"),
                        c.get("tp"),
                        c.get("fp"),
                        c.get("precision"),
                        c.get("recall"),
                        report.get("engine"),
                        str(path),
                    )
                )
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM raw.theme_coding_dev_eval")
        if rows:
            con.executemany(
                "INSERT INTO raw.theme_coding_dev_eval VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(rows)
