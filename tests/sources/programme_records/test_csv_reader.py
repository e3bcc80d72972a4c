"""DuckDB's CSV reader with exact line numbers: broken lines quarantined where they are, over-long
lines kept as a bounded prefix with their length, irregular files read by the exact reader."""

import random

import duckdb
import pytest

from sources.programme_records import csv_reader, reader
from sources.programme_records.raw_schema import QUARANTINE_TABLE

from .helpers import csv_text, good_record, load


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_broken_lines_keep_their_line_and_later_records_keep_theirs(con, tmp_path):
    lines = csv_text([good_record(f"L-{i}") for i in range(1, 6)]).splitlines()
    lines[2] = "L-2,only two"  # too few fields
    lines[4] += ",extra"  # too many
    path = _write(tmp_path, "broken.csv", "\n".join(lines) + "\n")
    result = load(con, path)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 3, 2)
    assert con.execute(
        "SELECT _row_number, programme_ref FROM raw.programme_records ORDER BY 1"
    ).fetchall() == [(2, "L-1"), (4, "L-3"), (6, "L-5")]
    quarantined = con.execute(
        f"SELECT _row_number, reason, raw_record FROM {QUARANTINE_TABLE} ORDER BY 1"
    ).fetchall()
    assert [(row, raw) for row, _, raw in quarantined] == [(3, lines[2]), (5, lines[4])]
    assert "has 2 fields" in quarantined[0][1] and "fields but the header has" in quarantined[1][1]


def test_values_spanning_lines_and_blank_lines_fall_back_to_exact_numbering(con, tmp_path):
    text = csv_text([good_record("S-1", programme_name="two\nlines"), good_record("S-2")])
    third = csv_text([good_record("S-3")]).split("\n")[1]
    path = _write(tmp_path, "spans.csv", text + "\n" + third)
    result = load(con, path)
    assert result.rows_loaded == 3
    assert con.execute("SELECT _row_number FROM raw.programme_records ORDER BY 1").fetchall() == [
        (2,),
        (4,),
        (6,),
    ]


def test_an_over_long_line_is_quarantined_with_a_bounded_prefix_and_its_length(
    con, tmp_path, monkeypatch
):
    monkeypatch.setattr(csv_reader, "MAX_LINE_BYTES", 100_000)
    huge = good_record("H-2", programme_name="x" * 250_000)
    path = _write(tmp_path, "long.csv", csv_text([good_record("H-1"), huge, good_record("H-3")]))
    result = load(con, path)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    row, reason, kept, length = con.execute(
        f"SELECT _row_number, reason, length(raw_record), raw_record_length FROM {QUARANTINE_TABLE}"
    ).fetchone()
    assert row == 3 and "more than the 100,000 a line may have" in reason
    assert kept == 2_000 and length > 250_000
    assert con.execute(
        "SELECT list(_row_number ORDER BY _row_number) FROM raw.programme_records"
    ).fetchone()[0] == [2, 4]


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_scan_lines_finds_every_over_long_line(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(csv_reader, "_CHUNK", chunk)
    lengths = [0, 5, 150, 99, 100, 101, 1_000, 3, 250]
    path = tmp_path / "lines.txt"
    path.write_bytes(b"\n".join(b"x" * n for n in lengths))
    scan = csv_reader.scan_lines(path, limit=100)
    starts = [sum(n + 1 for n in lengths[:i]) for i in range(len(lengths))]
    expected = [(i + 1, starts[i], n) for i, n in enumerate(lengths) if n > 100]
    assert (scan.newlines, scan.ends_with_newline, scan.long_lines) == (8, False, expected)


def _exact_reader_forbidden(monkeypatch):
    def refuse(*_):
        raise AssertionError("the exact line-by-line reader was used")

    monkeypatch.setattr(reader, "_read_csv_lines", refuse)


def test_blank_lines_at_the_end_and_blank_records_keep_duckdbs_reader(con, tmp_path, monkeypatch):
    _exact_reader_forbidden(monkeypatch)
    lines = csv_text([good_record("B-1"), good_record("B-2")]).splitlines()
    blank_record = "," * (len(lines[0].split(",")) - 1)
    text = "\r\n".join([lines[0], lines[1], blank_record, lines[2]]) + "\r\n\r\n\r\n"
    result = load(con, _write(tmp_path, "trailing.csv", text))
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    assert con.execute("SELECT _row_number FROM raw.programme_records ORDER BY 1").fetchall() == [
        (2,),
        (4,),
    ]


@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_scan_lines_tells_blank_lines_inside_from_blank_lines_at_the_end(
    tmp_path, monkeypatch, chunk
):
    monkeypatch.setattr(csv_reader, "_CHUNK", chunk)
    path = tmp_path / "lines.txt"
    cases = {
        b"h\na\nb\n": (False, 0, 3),
        b"h\na\nb\n\n\r\n": (False, 2, 3),
        b"h\na\nb\n\r": (False, 1, 3),
        b"h\na\n\nb\n": (True, 0, 4),
        b"h\na\r\n\r\nb": (True, 0, 4),
    }
    for text, expected in cases.items():
        path.write_bytes(text)
        scan = csv_reader.scan_lines(path)
        assert (scan.blank_before_end, scan.trailing_blank_lines, scan.lines) == expected, text


def _scan_by_splitting(data: bytes, limit: int) -> csv_reader.LineScan:
    """What scan_lines must find, worked out the plain way: split the whole file into lines."""
    lines = data.split(b"\n")
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    content = data.rstrip(b"\r\n")
    last = max((i for i, line in enumerate(lines) if line.strip(b"\r")), default=0)
    blank = [i for i in range(1, last) if lines[i] in (b"", b"\r")]
    return csv_reader.LineScan(
        data.count(b"\n"),
        data.endswith(b"\n"),
        [(i + 1, starts[i], len(line)) for i, line in enumerate(lines) if len(line) > limit],
        blank_before_end=bool(blank),
        trailing_blank_lines=data[len(content) :].count(b"\n") - data.endswith(b"\n")
        if content and b"\n" in data[len(content) :]
        else 0,
    )


@pytest.mark.parametrize("chunk", [1, 2, 5, 64])
def test_scan_lines_agrees_with_splitting_the_file(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(csv_reader, "_CHUNK", chunk)
    generator = random.Random(chunk)
    path = tmp_path / "lines.txt"
    for _ in range(300):
        data = bytes(generator.choice(b"xx\n\r") for _ in range(generator.randrange(40)))
        path.write_bytes(data)
        assert csv_reader.scan_lines(path, limit=3) == _scan_by_splitting(data, 3), data


def test_records_keep_their_line_numbers_across_many_row_groups(con, tmp_path):
    """Numbering by position holds for a file DuckDB reads in parallel, in many row groups."""
    names = ["programme_ref", "learners_count"]
    rows = 300_000
    path = tmp_path / "many.csv"
    path.write_text("programme_ref,learners_count\n" + "".join(f"R{i},{i}\n" for i in range(rows)))
    assert csv_reader.read_csv(con, path, names, reader.record_struct)
    mismatched, count = con.execute(
        "SELECT count(*) FILTER (_record['programme_ref'] <> 'R' || (_row_number - 2)), count(*) "
        "FROM incoming"
    ).fetchone()
    assert (mismatched, count) == (0, rows)
