"""Reading each format into one shape, with row numbers a person can find."""

import duckdb
import pytest

from pipelines.settings import EXCEL_EXTENSION
from sources.programme_records.reader import read_into_duckdb

from .helpers import csv_text, good_record, write_csv, write_json, write_xlsx


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def rows(con):
    return con.execute(
        "SELECT _row_number, _record['programme_ref'], _record['actors'], _parse_error "
        "FROM incoming ORDER BY 1"
    ).fetchall()


def test_csv_rows_are_numbered_as_lines_even_with_multiline_fields(con, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            good_record("A-1", programme_name="spans\ntwo lines"),
            good_record("A-2"),
        ],
    )
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert (result.file_format, result.rows_read, result.file_error) == ("csv", 2, None)
    assert [r[:2] for r in rows(con)] == [(2, "A-1"), (4, "A-2")]


def test_json_arrays_become_semicolon_lists(con, tmp_path):
    record = good_record("J-1", actors=["teachers", "parents"], start_year=2020)
    path = write_json(tmp_path / "a.json", [record])
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert result.rows_read == 1
    assert rows(con) == [(1, "J-1", "teachers; parents", None)]
    year = con.execute("SELECT _record['start_year'] FROM incoming").fetchone()[0]
    assert year == "2020"


def test_xlsx_rows_are_numbered_as_sheet_rows(con, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [good_record("X-1"), good_record("X-2")])
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert (result.file_format, result.rows_read) == ("xlsx", 2)
    assert [r[:2] for r in rows(con)] == [(2, "X-1"), (3, "X-2")]
    assert con.execute("SELECT _record['start_year'] FROM incoming LIMIT 1").fetchone()[0] == "2021"


def test_utf8_bom_is_removed_with_a_notice(con, tmp_path):
    path = tmp_path / "bom.csv"
    write_csv(path, [good_record("B-1")], encoding="utf-8-sig")
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert result.encoding == "utf-8-sig" and result.notices
    assert rows(con)[0][1] == "B-1"  # the first header name is not polluted by the BOM


def test_latin1_line_is_flagged_and_other_lines_read(con, tmp_path):
    path = write_csv(
        tmp_path / "latin1.csv",
        [
            good_record("L-1"),
            good_record("L-2", programme_name="São Tomé teachers"),
        ],
        encoding="latin-1",
    )
    read_into_duckdb(con, path, EXCEL_EXTENSION)
    (_, ref1, _, err1), (row2, _, _, err2) = rows(con)
    assert ref1 == "L-1" and err1 is None
    assert row2 == 3 and "not UTF-8" in err2 and "Latin-1" in err2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.json", b"  \n", "empty"),
        ("header_only.csv", b"programme_ref,programme_name\n", "no records"),
        ("broken.json", b'[{"programme_ref": "x"}] trailing', "malformed JSON"),
        ("object.json", b'{"programme_ref": "x"}', "JSON array"),
        ("garbage.xlsx", b"PK\x03\x04 not really a zip", "not an Excel"),
        ("notes.txt", b"hello", "unsupported file type"),
        ("dupes.csv", b"programme_ref,Programme_Ref\nx,y\n", "duplicate column"),
    ],
)
def test_unreadable_files_get_a_file_level_error(con, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert result.file_error and message in result.file_error
    assert con.execute("SELECT count(*) FROM incoming").fetchone()[0] == 0


def test_rows_with_wrong_field_counts_are_flagged(con, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("programme_ref,programme_name\nA-1,ok\nA-2\n", encoding="utf-8")
    read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert rows(con)[1][3] == "has 1 fields but the header has 2"


def test_non_object_json_records_are_flagged(con, tmp_path):
    path = write_json(tmp_path / "mixed.json", [good_record("J-1"), "oops", 3])
    read_into_duckdb(con, path, EXCEL_EXTENSION)
    errors = [r[3] for r in rows(con)]
    assert errors[0] is None
    assert "JSON string" in errors[1] and "JSON" in errors[2]


def test_blank_sheet_rows_are_skipped_and_later_rows_keep_their_row_number(con, tmp_path):
    blank = {key: "" for key in good_record()}
    path = write_xlsx(tmp_path / "gaps.xlsx", [good_record("X-1"), blank, good_record("X-3")])
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert result.rows_read == 2
    assert [r[:2] for r in rows(con)] == [(2, "X-1"), (4, "X-3")]


def _text() -> str:
    return csv_text([good_record("E-1"), good_record("E-2")])


@pytest.mark.parametrize(
    ("name", "encode", "named"),
    [
        ("utf16.csv", lambda t: t.encode("utf-16"), "UTF-16 LE (byte-order mark)"),
        ("utf16be.csv", lambda t: t.encode("utf-16-be"), "UTF-16 BE (no byte-order mark"),
        ("utf32.csv", lambda t: t.encode("utf-32"), "UTF-32 LE (byte-order mark)"),
        ("utf16.json", lambda t: '[{"programme_ref": "E-1"}]'.encode("utf-16"), "UTF-16 LE"),
    ],
)
def test_a_utf16_or_utf32_file_is_refused_naming_its_encoding(con, tmp_path, name, encode, named):
    path = tmp_path / name
    path.write_bytes(encode(_text()))
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert result.file_error.startswith(f"the file is {named}")
    assert "the contract needs UTF-8; save it as UTF-8" in result.file_error
    assert result.rows_read == 0


@pytest.mark.parametrize(("delimiter", "label"), [(";", "semicolon"), ("\t", "tab")])
def test_a_file_with_another_delimiter_is_refused_naming_it(con, tmp_path, delimiter, label):
    path = tmp_path / "other.csv"
    path.write_text(_text().replace(",", delimiter), encoding="utf-8")
    result = read_into_duckdb(con, path, EXCEL_EXTENSION)
    assert result.file_error.startswith(f"{label}-separated; the contract needs commas")
    assert "programme_ref" in result.file_error


def test_a_comma_file_with_semicolon_lists_is_read(con, tmp_path):
    path = write_csv(tmp_path / "lists.csv", [good_record("E-1", actors="teachers; parents")])
    assert read_into_duckdb(con, path, EXCEL_EXTENSION).file_error is None
