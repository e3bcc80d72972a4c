"""A hostile submitter's corpus: every file is handled (loaded, partly loaded or rejected with a
reason), nothing crashes, no row disappears, values are stored as text (never executed), and a
second load of the same file changes nothing."""

import io
import zipfile

import duckdb
import pytest

from sources.programme_records.raw_schema import FILES_TABLE, QUARANTINE_TABLE, RECORDS_TABLE

from .helpers import csv_text, good_record, load

GOOD = csv_text([good_record("H-1"), good_record("H-2")])


def _zip_bomb_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"\0" * 30_000_000)  # ~30 KB compressed
    return buffer.getvalue()


CORPUS = {
    "empty.csv": b"",
    "bom_crlf.csv": ("\ufeff" + GOOD.replace("\n", "\r\n")).encode(),
    "truncated.csv": GOOD.encode()[:-40],
    "bad_quoting.csv": (GOOD + 'H-3,"unclosed,quote\n').encode(),
    "binary.csv": bytes(range(256)) * 40,
    "sql_and_formulas.csv": csv_text(
        [
            good_record("H-4", programme_name="Robert'); DROP TABLE raw.programme_records;--"),
            good_record("H-5", programme_name="=cmd|'/C calc'!A0", description="+1-1"),
        ]
    ).encode(),
    "unicode_ünïcødé 名前.csv": csv_text(
        [good_record("H-6", programme_name="Comunidades de aprendizaje — São Tomé 教师")]
    ).encode(),
    "huge_field.csv": csv_text([good_record("H-7", description="x" * 5_000_000)]).encode(),
    "zip_bomb.xlsx": _zip_bomb_xlsx(),
    "not_json.json": b"<html><body>bot challenge</body></html>",
    "nested.json": b'[{"programme_ref": {"a": [1, 2]}, "actors": [["x"]]}]',
    "scalar_records.json": b'[1, "two", null, true]',
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_hostile_file_is_handled_and_nothing_is_lost(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CORPUS[name])
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    result = load(con, path)
    assert result.status in {"loaded", "partially_loaded", "rejected"}
    if result.rows_read:
        assert result.rows_loaded + result.rows_quarantined == result.rows_read
    else:
        assert result.rows_quarantined == 1 and result.problems[0][0] is None
    snapshot = [
        con.execute(f"SELECT * EXCLUDE (_loaded_at) FROM {RECORDS_TABLE} ORDER BY ALL").fetchall(),
        con.execute(f"SELECT count(*) FROM {QUARANTINE_TABLE}").fetchall(),
        con.execute(f"SELECT status, rows_loaded FROM {FILES_TABLE}").fetchall(),
    ]
    again = load(con, path)
    assert (again.rows_loaded, again.rows_quarantined) == (
        result.rows_loaded,
        result.rows_quarantined,
    )
    assert snapshot == [
        con.execute(f"SELECT * EXCLUDE (_loaded_at) FROM {RECORDS_TABLE} ORDER BY ALL").fetchall(),
        con.execute(f"SELECT count(*) FROM {QUARANTINE_TABLE}").fetchall(),
        con.execute(f"SELECT status, rows_loaded FROM {FILES_TABLE}").fetchall(),
    ]
    longest = con.execute(f"SELECT max(length(raw_record)) FROM {QUARANTINE_TABLE}").fetchone()[0]
    assert longest is None or longest <= 2_000
    con.close()


def test_strings_are_stored_as_text_never_run(tmp_path):
    path = tmp_path / "sql.csv"
    path.write_bytes(CORPUS["sql_and_formulas.csv"])
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load(con, path)
    names = {r[0] for r in con.execute(f"SELECT programme_name FROM {RECORDS_TABLE}").fetchall()}
    assert "Robert'); DROP TABLE raw.programme_records;--" in names
    assert "=cmd|'/C calc'!A0" in names
    con.close()
