"""What landed in the marts: row counts per mart and the quarantine, read from the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from sources.programme_records.raw_schema import FILES_TABLE, QUARANTINE_TABLE

from .warehouse.lock import WarehouseLocked, connect_waiting

MAX_LISTED_PROBLEMS = 20


def summarise(warehouse_path: Path) -> str:
    """The summary, read from `warehouse_path` (the published copy when there is one). Never
    raises on a file another process holds: it says so instead."""
    if not warehouse_path.exists():
        return f"Warehouse: {warehouse_path} does not exist yet (nothing was published)"
    try:
        con = connect_waiting(warehouse_path, read_only=True, wait_seconds=10)
    except (WarehouseLocked, duckdb.Error) as exc:
        return f"Warehouse: {warehouse_path} could not be read for the summary: {exc}"
    try:
        marts = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
        ).fetchall()
        lines = [f"Warehouse: {warehouse_path}", "Marts (rows):"]
        for (name,) in marts:
            count = con.execute(f"SELECT count(*) FROM marts.{name}").fetchone()[0]
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
