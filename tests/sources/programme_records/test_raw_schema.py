"""The raw layer's DDL: where the supplied columns are kept, and bringing an older warehouse
up to date."""

import duckdb

from sources.programme_records.raw_schema import (
    FILES_TABLE,
    RECORDS_TABLE,
    ensure_raw_schema,
    supplied_columns_sql,
)

from .helpers import good_record, load, write_json


def _supplied(con) -> list[tuple]:
    return con.execute(
        f"SELECT r.programme_ref, r._supplied_columns IS NULL, "
        f"list_sort({supplied_columns_sql('r', 'f')}), f.columns_supplied IS NULL "
        f"FROM {RECORDS_TABLE} AS r JOIN {FILES_TABLE} AS f ON f.file_id = r._file_id "
        "ORDER BY r._row_number"
    ).fetchall()


def test_json_records_with_the_same_keys_keep_their_columns_once_on_the_file(con, tmp_path):
    records = [good_record("J-1"), good_record("J-2")]
    load(con, write_json(tmp_path / "same.json", records))
    rows = _supplied(con)
    assert [(ref, per_row, file_null) for ref, per_row, _, file_null in rows] == [
        ("J-1", True, False),
        ("J-2", True, False),
    ]
    assert rows[0][2] == sorted(records[0])


def test_json_records_that_differ_keep_their_own_columns_on_the_row(con, tmp_path):
    short = {k: v for k, v in good_record("J-2").items() if k != "teachers_count"}
    load(con, write_json(tmp_path / "differ.json", [good_record("J-1"), short]))
    rows = _supplied(con)
    assert [(ref, per_row, file_null) for ref, per_row, _, file_null in rows] == [
        ("J-1", False, True),
        ("J-2", False, True),
    ]
    assert "teachers_count" in rows[0][2] and "teachers_count" not in rows[1][2]


def test_an_older_warehouse_is_brought_up_to_date(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    ensure_raw_schema(con)
    # the earlier DDL: no columns_supplied on the files, a list required on every row, a hash
    # of the record on every row
    con.execute(f"ALTER TABLE {FILES_TABLE} DROP COLUMN columns_supplied")
    con.execute(f"ALTER TABLE {RECORDS_TABLE} ALTER COLUMN _supplied_columns SET NOT NULL")
    con.execute(f"ALTER TABLE {RECORDS_TABLE} ADD COLUMN _record_hash VARCHAR")
    ensure_raw_schema(con)
    ensure_raw_schema(con)  # idempotent
    nullable, files_column, hashes = con.execute(
        "SELECT bool_and(is_nullable) FILTER (column_name = '_supplied_columns'), "
        "count(*) FILTER (column_name = 'columns_supplied'), "
        "count(*) FILTER (column_name = '_record_hash') FROM duckdb_columns() "
        "WHERE schema_name = 'raw'"
    ).fetchone()
    assert (nullable, files_column, hashes) == (True, 1, 0)
