"""Read a CSV file with DuckDB's own CSV reader into the temp table `incoming` (see reader.py).

Every column is read as text (`all_varchar`), so a bad value becomes a contract reason in SQL;
DuckDB's rejects table catches only lines that are structurally broken (wrong number of fields,
an unterminated quote, bytes that are not UTF-8), each with its line number.

DuckDB numbers records, not lines, and silently skips blank lines and lines longer than its
`max_line_size`. A person needs the line number, so one streaming pass over the bytes counts the
lines, finds every over-long line (those are quarantined here, with a bounded prefix and their
length) and whether a blank line comes before the last record. When there is none and every
line is accounted for (header + records + rejected + over-long lines), no record spans two lines
and record k sits on the k-th line not taken by a rejected or over-long line; records are kept in
file order, so k is their position (rowid), with no window over the whole file. Otherwise
(values spanning lines, blank lines between records, a header DuckDB cannot use) `read_csv`
returns False and the caller falls back to the exact line-by-line reader.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from .temp_tables import drop_temp

MAX_LINE_BYTES = 8 * 1024 * 1024
"""Longest line DuckDB is asked to read; a longer one is quarantined whole (prefix + length)."""
RAW_PREVIEW = 2_000
"""Characters of an unreadable line kept for the quarantine."""
_CHUNK = 8 * 1024 * 1024
_HEADER_PREFIX = 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
_ENCODING_HINT = "(the file looks Latin-1/Windows-1252 encoded; save it as UTF-8)"


@dataclass
class LineScan:
    newlines: int
    ends_with_newline: bool
    long_lines: list[tuple[int, int, int]] = field(default_factory=list)
    """(line number, byte offset of its start, length in bytes) of every over-long line."""
    blank_before_end: bool = False
    """Whether a blank line (empty, or a lone '\\r') comes before the last line with content."""
    trailing_blank_lines: int = 0
    """Blank lines after the last line with content."""

    @property
    def lines(self) -> int:
        """Lines up to the last one with content."""
        return self.newlines + (0 if self.ends_with_newline else 1) - self.trailing_blank_lines


TEMP_TABLES = (
    "incoming",
    "csv_rejects",
    "csv_reject_scans",
    "csv_records",
    "csv_broken",
    "csv_taken",
)
"""What `read_csv` creates (the loader drops them after validation)."""
_TAIL = 64 * 1024


def scan_lines(path: Path, limit: int | None = None) -> LineScan:
    """Count lines and find those longer than `limit` bytes (default MAX_LINE_BYTES), reading
    `_CHUNK` bytes at a time (memory stays bounded whatever the file holds). numpy finds the
    newlines of a chunk at once and releases the GIL, so the scan runs beside DuckDB's read."""
    limit = limit or MAX_LINE_BYTES
    newlines, size, last_newline, last_byte = 0, 0, -1, b""
    long_lines: list[tuple[int, int, int]] = []
    first_blank, tail = None, b""  # where a blank line first starts; the file's last bytes
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            data = np.frombuffer(chunk, np.uint8)
            ends = np.flatnonzero(data == _NEWLINE) + size  # file positions of its newlines
            if len(ends):
                starts = np.concatenate(([last_newline], ends[:-1])) + 1  # of those lines
                lengths = ends - starts
                for i in np.flatnonzero(lengths > limit).tolist():
                    long_lines.append((newlines + i + 1, int(starts[i]), int(lengths[i])))
                if first_blank is None:
                    first_blank = _first_blank(data, size, starts, lengths, last_byte)
                last_newline, newlines = int(ends[-1]), newlines + len(ends)
            tail = (tail + chunk)[-_TAIL:]
            size += len(chunk)
            last_byte = chunk[-1:]
    if size - (last_newline + 1) > limit:
        long_lines.append((newlines + 1, last_newline + 1, size - last_newline - 1))
    ends_with_newline = last_byte == b"\n"
    # blank lines at the end hold no record (DuckDB skips them; so does the line count)
    content = tail.rstrip(b"\r\n")
    suffix = tail[len(content) :]
    trailing = 0
    if content and b"\n" in suffix:
        trailing = suffix.count(b"\n") - 1 + (0 if ends_with_newline else 1)
    return LineScan(
        newlines,
        ends_with_newline,
        long_lines,
        blank_before_end=first_blank is not None and first_blank < size - len(suffix),
        trailing_blank_lines=trailing,
    )


_NEWLINE, _CR = ord("\n"), ord("\r")


def _first_blank(
    data: np.ndarray, offset: int, starts: np.ndarray, lengths: np.ndarray, before: bytes
) -> int | None:
    """File position of the newline ending the line before the first blank line (empty, or a
    lone '\\r') among the lines ending in this chunk (`data`, at file position `offset`;
    `before` is the previous chunk's last byte). The file's first line is not looked at."""
    blank = lengths == 0
    lone = np.flatnonzero(lengths == 1)
    if len(lone):  # the one byte sits in this chunk, or is the previous chunk's last byte
        at = starts[lone] - offset
        byte = np.where(at >= 0, data[np.maximum(at, 0)], before[0] if before else 0)
        blank[lone[byte == _CR]] = True
    blank &= starts > 0
    hits = np.flatnonzero(blank)
    return int(starts[hits[0]]) - 1 if len(hits) else None


def read_header(path: Path) -> tuple[list[str], str] | None:
    """The header's field names and the file's encoding label, or None when the first line is
    not plain UTF-8 CSV on one line (the exact reader then explains what is wrong)."""
    with path.open("rb") as handle:
        prefix = handle.read(_HEADER_PREFIX)
    encoding = "utf-8-sig" if prefix.startswith(UTF8_BOM) else "utf-8"
    end = prefix.find(b"\n")
    if end < 0:
        return None
    try:
        line = prefix[:end].decode(encoding)
    except UnicodeDecodeError:
        return None
    try:
        rows = list(csv.reader(io.StringIO(line, newline=""), strict=True))
    except csv.Error:
        return None
    if len(rows) != 1 or '"' in line and line.count('"') % 2:
        return None
    return rows[0], encoding


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _raw_line(path: Path, offset: int) -> tuple[bytes, int]:
    """Up to RAW_PREVIEW*4 bytes of the line at byte `offset`, and its full length. The line
    starts after the last newline before `offset` (DuckDB's reported position may be one byte
    into the line)."""
    with path.open("rb") as handle:
        handle.seek(max(offset - 64, 0))
        before = handle.read(offset - max(offset - 64, 0))
        newline = before.rfind(b"\n")
        handle.seek(offset - len(before) + newline + 1 if newline >= 0 else offset)
        head = handle.read(RAW_PREVIEW * 4)
        end = head.find(b"\n")
        if end >= 0:
            return head[:end].rstrip(b"\r"), end
        length = len(head)
        while chunk := handle.read(_CHUNK):
            found = chunk.find(b"\n")
            if found >= 0:
                return head, length + found
            length += len(chunk)
        return head, length


def _encoding_problem(raw: bytes, line: int) -> str:
    try:
        raw.decode("utf-8")
        return f"line {line} is not UTF-8 {_ENCODING_HINT}"
    except UnicodeDecodeError as exc:
        return (
            f"byte 0x{raw[exc.start]:02X} at position {exc.start + 1} of line {line} is "
            f"not UTF-8 {_ENCODING_HINT}"
        )


def _reject_reason(error_type: str, message: str, fields: int, raw: bytes, line: int) -> str:
    if error_type == "INVALID ENCODING":
        return _encoding_problem(raw, line)
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = message.rsplit("Found:", 1)[-1].strip()
        return f"has {found} fields but the header has {fields}"
    return f"is not valid CSV: {message.strip().splitlines()[0]}"


def read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    names: list[str],
    record_struct: Callable[[duckdb.DuckDBPyConnection, list[str], list[str]], str],
) -> bool:
    """Fill `incoming` from the CSV at `path` whose normalised header is `names`. Returns False
    (leaving `incoming` to be rebuilt) when the lines cannot all be accounted for."""
    columns = ", ".join(f"c{i}: 'VARCHAR'" for i in range(len(names)))
    for table in TEMP_TABLES:
        drop_temp(con, table)
    struct = record_struct(con, names, [f"c{i}" for i in range(len(names))])
    # a record whose every value is blank is not a record (a CASE tries the next value only
    # while the ones before were blank)
    blank = (
        "CASE "
        + " ".join(f"WHEN nullif(trim(c{i}), '') IS NOT NULL THEN false" for i in range(len(names)))
        + " ELSE true END"
    )
    # Records in file order (the connection keeps insertion order while reading): record k is
    # row k-1 of csv_records, so its rowid numbers it, with no window over the whole file.
    # The line scan runs beside DuckDB's read (which does not hold the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanning = pool.submit(scan_lines, path)
        _read_records(con, path, struct, blank, columns)
        scan = scanning.result()
    total_lines = scan.lines
    (records,) = con.execute("SELECT count(*) FROM csv_records").fetchone()
    rejects = con.execute(
        "SELECT line, min(line_byte_position), list(error_type ORDER BY column_idx), "
        "list(error_message ORDER BY column_idx), bool_or(contains(csv_line, E'\\n')) "
        # over-long lines are found by scan_lines (DuckDB reports some, skips others silently)
        "FROM csv_rejects WHERE error_type <> 'LINE SIZE OVER MAXIMUM' "
        "GROUP BY line ORDER BY line"
    ).fetchall()
    taken = {line for line, *_ in rejects} | {line for line, _, _ in scan.long_lines}
    # With no blank line before the last record, every line is the header, a record, a
    # rejected or an over-long line; if the counts add up, no record spans two lines.
    if (
        scan.blank_before_end
        or any(spans_lines for *_, spans_lines in rejects)
        or len(taken) != len(rejects) + len(scan.long_lines)
        or 1 + records + len(taken) != total_lines
        or any(line < 2 for line in taken)
    ):
        return False
    values = [f"struct_extract(record, {_quote(n)})" for n in names]
    fields = ", ".join(
        f"CASE WHEN regexp_matches({v}, '[\",\\r\\n]') "
        f"THEN '\"' || replace({v}, '\"', '\"\"') || '\"' ELSE coalesce({v}, '') END"
        for v in values
    )
    # a record's text, rebuilt from its values, for the quarantine (only bad rows ask for it)
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO incoming_raw(record, rn) AS concat_ws(',', {fields})"
    )
    broken = []
    for line, offset, types, messages, _ in rejects:
        raw, length = _raw_line(path, offset)
        reasons = dict.fromkeys(
            _reject_reason(t, m, len(names), raw, line)
            for t, m in zip(types, messages, strict=True)
        )
        text = raw.decode("utf-8") if _utf8(raw) else raw.decode("cp1252", "replace")
        broken.append((line, "; ".join(reasons), text, length))
    for line, offset, length in scan.long_lines:
        raw, _ = _raw_line(path, offset)
        broken.append(
            (
                line,
                f"line {line} is {length:,} bytes long, more than the {MAX_LINE_BYTES:,} a "
                "line may have (its first characters are kept)",
                raw.decode("utf-8", errors="replace"),
                length,
            )
        )
    (blank_records,) = con.execute("SELECT count(*) FILTER (_blank) FROM csv_records").fetchone()
    records_sql = f"""SELECT (rowid + 2)::INTEGER AS _row_number, _record,
               NULL::VARCHAR AS _parse_error, NULL::VARCHAR AS _raw, NULL::BIGINT AS _raw_length
        FROM csv_records {"WHERE NOT _blank" if blank_records else ""}"""  # the header is line 1
    con.execute(f"CREATE TEMP TABLE csv_broken AS {records_sql} LIMIT 0")  # same columns
    if broken:
        con.executemany(
            "INSERT INTO csv_broken VALUES (?, NULL, ?, ?, ?)", [list(b) for b in broken]
        )
    if not taken:  # a view: nothing is copied (and, for the planner, no union when not needed)
        broken_sql = " UNION ALL SELECT * FROM csv_broken" if broken else ""
        con.execute(f"CREATE TEMP VIEW incoming AS {records_sql}{broken_sql}")
        return True
    # record k sits on the k-th line not taken by a rejected or over-long line
    con.execute(
        "CREATE TEMP TABLE csv_taken AS SELECT unnest(?::BIGINT[]) AS line", [sorted(taken)]
    )
    con.execute(
        f"""CREATE TEMP TABLE incoming AS
        SELECT lines.line::INTEGER AS _row_number, records.* EXCLUDE (_row_number)
        FROM ({records_sql}) AS records JOIN (
            SELECT line, row_number() OVER (ORDER BY line) + 1 AS _row_number
            FROM range(2, $last + 1) AS lines(line) ANTI JOIN csv_taken USING (line)
        ) AS lines USING (_row_number)
        UNION ALL SELECT * FROM csv_broken""",
        {"last": total_lines},
    )
    return True


def _read_records(
    con: duckdb.DuckDBPyConnection, path: Path, struct: str, blank: str, columns: str
) -> None:
    con.execute(
        f"""CREATE TEMP TABLE csv_records AS
        SELECT struct_pack({struct}) AS _record, {blank} AS _blank
        FROM read_csv({_quote(str(path))}, columns = {{{columns}}}, header = true,
            auto_detect = false, delim = ',', quote = '"', escape = '"', all_varchar = true,
            strict_mode = true, null_padding = false, max_line_size = {MAX_LINE_BYTES},
            store_rejects = true, rejects_table = 'csv_rejects',
            rejects_scan = 'csv_reject_scans')"""
    )


def _utf8(raw: bytes) -> bool:
    try:
        codecs.decode(raw, "utf-8")
    except UnicodeDecodeError:
        return False
    return True
