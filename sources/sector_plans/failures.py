"""Quarantine rows for URLs, pages and files that could not be used (stage, source, reason)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .raw_schema import QUARANTINE_TABLE, ensure_raw_schema


@dataclass(frozen=True)
class Failure:
    stage: str  # listing | download | extract
    source: str  # the URL or file concerned
    record_ref: str  # doc_id, or the URL when there is no doc_id
    reason_code: str
    reason: str  # full message naming the URL/file and what was wrong
    raw: str | None = None


def write_failures(
    con: duckdb.DuckDBPyConnection,
    failures: list[Failure],
    *,
    fetched_at: datetime | None = None,
) -> None:
    """Replace earlier quarantine rows of the same (stage, record_ref) with these ones."""
    ensure_raw_schema(con)
    if not failures:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        insert_failures(con, failures, fetched_at=fetched_at)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def insert_failures(
    con: duckdb.DuckDBPyConnection,
    failures: list[Failure],
    *,
    fetched_at: datetime | None = None,
) -> None:
    """`write_failures` inside the caller's open transaction (no BEGIN/COMMIT of its own)."""
    if not failures:
        return
    fetched_at = fetched_at or datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "failures.ndjson"
        path.write_text("\n".join(json.dumps(asdict(f)) for f in failures) + "\n", "utf-8")
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _sector_plan_failures AS
            SELECT * FROM read_json(?, format='newline_delimited', columns={
                'stage': 'VARCHAR', 'source': 'VARCHAR', 'record_ref': 'VARCHAR',
                'reason_code': 'VARCHAR', 'reason': 'VARCHAR', 'raw': 'VARCHAR'})""",
            [str(path)],
        )
    con.execute(
        f"""DELETE FROM {QUARANTINE_TABLE} q USING _sector_plan_failures f
        WHERE q.stage = f.stage AND q.record_ref = f.record_ref"""
    )
    con.execute(
        f"""INSERT INTO {QUARANTINE_TABLE}
        SELECT stage, source, record_ref, NULL, [reason_code], reason, raw, ?::TIMESTAMPTZ
        FROM _sector_plan_failures""",
        [fetched_at],
    )


def clear_failures(con: duckdb.DuckDBPyConnection, stage: str, record_refs: list[str]) -> None:
    """Forget earlier failures of records that now succeeded."""
    ensure_raw_schema(con)
    if record_refs:
        con.execute(
            f"DELETE FROM {QUARANTINE_TABLE} WHERE stage = ? AND list_contains(?, record_ref)",
            [stage, record_refs],
        )
