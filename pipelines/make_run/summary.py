"""What landed in the marts: row counts per mart and the quarantine, read from the warehouse."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb

from sources.programme_records.archive import journal_path
from sources.programme_records.raw_schema import FILES_TABLE, QUARANTINE_TABLE

from ..warehouse.lock import WarehouseLocked, connect_waiting

MAX_LISTED_PROBLEMS = 20
LOCK_WAIT_SECONDS = 10.0
"""How long the summary waits for a file another process is writing before it says so."""


def summarise(warehouse_path: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> str:
    """The summary, read from `warehouse_path` (the published copy when there is one). Never
    raises on a file another process holds: it says so instead."""
    if not warehouse_path.exists():
        return f"Warehouse: {warehouse_path} does not exist yet (nothing was published)"
    try:
        con = connect_waiting(warehouse_path, read_only=True, wait_seconds=wait_seconds)
    except (WarehouseLocked, duckdb.Error) as exc:
        return f"Warehouse: {warehouse_path} could not be read for the summary: {exc}"
    try:
        lines = [f"Warehouse: {warehouse_path}", "Marts (rows):"]
        for name, count in _mart_row_counts(con):
            lines.append(f"  marts.{name:<28} {count:>6}")
        files = con.execute(
            f"SELECT status, count(*), sum(rows_loaded), sum(rows_quarantined) FROM {FILES_TABLE} "
            "GROUP BY status ORDER BY status"
        ).fetchall()
        lines.append(
            "Programme-record files: "
            + (", ".join(f"{n} {status}" for status, n, _, _ in files) or "none")
        )
        loaded = sum(r[2] or 0 for r in files)
        quarantined = sum(r[3] or 0 for r in files)
        lines.append(f"Rows loaded: {loaded}; rows quarantined: {quarantined}")
        problems = con.execute(
            f"SELECT _file_name, _row_number, reason FROM {QUARANTINE_TABLE} "
            f"ORDER BY _file_name, _row_number NULLS FIRST LIMIT {MAX_LISTED_PROBLEMS}"
        ).fetchall()
        for file_name, row, reason in problems:
            where = "whole file" if row is None else f"row {row}"
            lines.append(f"  quarantined: {file_name} {where}: {reason}")
        if quarantined > len(problems):
            lines.append(f"  ... see {QUARANTINE_TABLE} for all {quarantined}")
        return "\n".join(lines)
    finally:
        con.close()


NAMES_SHOWN = 3
"""File names listed per grouped reason (the rest are counted)."""


def grouped_lines(label: str, items: list[tuple[str, str]], names_shown: int = NAMES_SHOWN):
    """One line per distinct reason, most frequent first: '<label> <n> × <reason>: <names>'
    (items are (name, reason) pairs; a few names are listed, the rest counted)."""
    by_reason: dict[str, list[str]] = {}
    for name, reason in items:
        by_reason.setdefault(reason, []).append(name)
    lines = []
    for reason, names in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        shown = ", ".join(names[:names_shown])
        more = f" and {len(names) - names_shown} more" if len(names) > names_shown else ""
        lines.append(f"{label} {len(names)} × {reason}: {shown}{more}")
    return lines


def landing_notes(archive_dir: Path, since: datetime) -> list[str]:
    """What the landing step did not load, seen since `since`, from the landing journal: one line
    per outcome (ignored, rejected, duplicate) with how many entries each reason covers, in
    short ('2 × symbolic link'); names only for duplicates (every entry and its full reason
    is in marts.fct_landing_entry)."""
    journal = journal_path(archive_dir)
    if not journal.is_file():
        return []
    duplicates: list[str] = []
    reasons: dict[str, dict[str, int]] = {}
    with journal.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line torn by a crash mid-write
            if datetime.fromisoformat(entry["seen_at"]) < since:
                continue
            if entry["outcome"] == "duplicate":
                duplicates.append(f"{entry['entry_path']} (= {entry['duplicate_of']})")
            elif entry["outcome"] in ("ignored", "rejected"):
                counts = reasons.setdefault(entry["outcome"], {})
                short = _short(entry["reason"] or "no reason recorded")
                counts[short] = counts.get(short, 0) + 1
    notes = [
        f"{outcome} {sum(counts.values())}: "
        + ", ".join(f"{n} × {r}" for r, n in sorted(counts.items(), key=lambda i: -i[1]))
        for outcome, counts in sorted(reasons.items())
    ]
    if duplicates:
        shown = ", ".join(duplicates[:NAMES_SHOWN])
        more = f" and {len(duplicates) - NAMES_SHOWN} more" if len(duplicates) > NAMES_SHOWN else ""
        notes.append(f"duplicate {len(duplicates)} (same bytes, not loaded again): {shown}{more}")
    return notes


def _short(reason: str) -> str:
    """A landing reason up to its explanation: 'symbolic link; links are not followed' ->
    'symbolic link', "unsupported file type '.txt' (expected ...)" -> "unsupported file type
    '.txt'"."""
    return reason.split("; ", 1)[0].split(" (", 1)[0]


def published_totals(published: Path, live: Path) -> str:
    """One line: how many marts and rows the published copy holds, and where it is. Counted in
    the live file (a publish copies its marts): a run never opens the published copy, which a
    BI tool may hold open, even read-write."""
    if not published.exists():
        return f"published: nothing yet ({published} does not exist)"
    try:
        con = connect_waiting(live, read_only=True, wait_seconds=LOCK_WAIT_SECONDS)
    except (WarehouseLocked, duckdb.Error) as exc:
        return f"published: {published} (its totals could not be read from {live}: {exc})"
    try:
        counts = _mart_row_counts(con)
    finally:
        con.close()
    rows = sum(count for _, count in counts)
    return f"published: {len(counts)} marts, {rows:,} rows in {published} (+ parquet/)"


def _mart_row_counts(con) -> list[tuple[str, int]]:
    """(mart, rows) for every table in the marts schema, by name."""
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
    ).fetchall()
    return [
        (name, con.execute(f"SELECT count(*) FROM marts.{name}").fetchone()[0]) for (name,) in names
    ]
