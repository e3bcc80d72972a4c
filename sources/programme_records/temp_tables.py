"""Temp tables and views a load creates on its connection."""

from __future__ import annotations

import duckdb


def drop_temp(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the temp table or view `name`, if there is one."""
    (kind,) = con.execute(
        "SELECT coalesce(max(kind), '') FROM ("
        "SELECT 'TABLE' AS kind FROM duckdb_tables() WHERE temporary AND table_name = $n "
        "UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = $n)",
        {"n": name},
    ).fetchone()
    if kind:
        con.execute(f"DROP {kind} {name}")
