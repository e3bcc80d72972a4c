"""Empty raw tables exist on a fresh warehouse, so dbt can build before the first load."""

from sources.sector_plans.raw_schema import ensure_raw_schema


def test_ensure_raw_schema_creates_empty_tables_idempotently(con):
    ensure_raw_schema(con)
    ensure_raw_schema(con)
    tables = con.execute(
        """SELECT table_name, estimated_size FROM duckdb_tables()
        WHERE schema_name = 'raw' ORDER BY 1"""
    ).fetchall()
    assert tables == [
        ("sector_plan_documents", 0),
        ("sector_plan_files", 0),
        ("sector_plan_pages", 0),
        ("sector_plans_quarantine", 0),
    ]
