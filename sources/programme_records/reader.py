"""Read one programme-records file (CSV, XLSX or JSON) into DuckDB, one row per record.

Every format lands in the same temporary table, `incoming`:

    _row_number  INTEGER     row as a person finds it: the line/row number in a CSV or XLSX
                             (the header is row 1), the 1-based position of the record in a
                             JSON array
    _record      STRUCT or MAP(VARCHAR, VARCHAR)
                             column name (normalised) -> value as text; list values from JSON
                             arrays are joined with '; '. A STRUCT (the file's columns, listed
                             in the temp table `incoming_columns`, plus every contract column)
                             when the file's columns are known up front; a JSON file whose
                             records differ also gets `_keys`, the columns each record supplied.
                             A MAP per record for the exact CSV reader and odd JSON keys.
    _parse_error VARCHAR     why the row could not be read properly, else NULL
    _raw         VARCHAR     the row as submitted when the reader kept it (else rebuilt for bad
                             rows by the temp macro `incoming_raw(_record, _row_number)`)
    _raw_length  BIGINT      the row's full length when `_raw` holds only a prefix, else NULL

A problem with the whole file (empty, not a CSV/XLSX/JSON, unreadable) is returned as
`ReadResult.file_error`, with no rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import csv_reader
from .contract import COLUMN_NAMES, FILE_FORMATS
from .temp_tables import drop_temp

UTF8_BOM = b"\xef\xbb\xbf"
XLSX_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass
class ReadResult:
    file_format: str | None
    encoding: str | None = None
    rows_read: int = 0
    file_error: str | None = None
    notices: list[str] = field(default_factory=list)


def normalise_name(name: str) -> str:
    """Column names match case-insensitively; spaces and hyphens count as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


_INCOMING_FROM_JSON = """
CREATE OR REPLACE TEMP TABLE incoming AS
SELECT
    _row_number::INTEGER AS _row_number,
    CASE WHEN json_type(_json) = 'OBJECT' THEN map_from_entries(list_transform(
        map_entries(CAST(_json AS MAP(VARCHAR, JSON))),
        e -> struct_pack(
            k := regexp_replace(lower(trim(e.key)), '[\\s\\-]+', '_', 'g'),
            v := CASE json_type(e.value)
                WHEN 'NULL' THEN NULL
                WHEN 'ARRAY' THEN array_to_string(
                    list_transform(CAST(e.value AS JSON[]), x -> coalesce(x ->> '$', '')), '; ')
                ELSE e.value ->> '$'
            END)))
    END AS _record,
    CASE WHEN _parse_error IS NOT NULL THEN _parse_error
         WHEN json_type(_json) <> 'OBJECT'
         THEN 'is a JSON '
              || CASE json_type(_json) WHEN 'VARCHAR' THEN 'string' ELSE lower(json_type(_json)) END
              || ', not an object of column: value pairs'
    END AS _parse_error,
    _raw,
    NULL::BIGINT AS _raw_length
FROM {source}
"""


def read_into_duckdb(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    excel_extension: Path | None,
    shown_name: str | None = None,
) -> ReadResult:
    """Fill the temp table `incoming` from the file at `path` (see module docstring). Messages
    call the file `shown_name` (the name it was delivered under), never its server path."""
    result = _read(con, path, excel_extension)
    if result.file_error:
        result.file_error = result.file_error.replace(str(path), shown_name or path.name)
    return result


def _read(con: duckdb.DuckDBPyConnection, path: Path, excel_extension: Path | None) -> ReadResult:
    suffix = path.suffix.lower()
    file_format = FILE_FORMATS.get(suffix)
    con.execute(
        _INCOMING_FROM_JSON.format(
            source="(SELECT 0 AS _row_number, NULL::JSON AS _json, NULL::VARCHAR AS _parse_error, "
            "NULL::VARCHAR AS _raw WHERE false)"
        )
    )
    _no_rebuilt_raw(con)
    if file_format is None:
        expected = ", ".join(FILE_FORMATS)
        return ReadResult(
            None,
            file_error=f"unsupported file type '{suffix or path.name}' "
            f"(expected one of {expected})",
        )
    if file_format != "xlsx" and (foreign := foreign_encoding(path)) is not None:
        if foreign[0] == "binary":
            return ReadResult(
                file_format,
                encoding="binary",
                file_error=f"the file is binary ({foreign[1]}), not {file_format.upper()} text",
            )
        name, how = foreign
        return ReadResult(
            file_format,
            encoding=name.lower().replace(" ", "-"),
            file_error=f"the file is {name} ({how}): the contract needs UTF-8; save it as UTF-8"
            + (" (in Excel: 'CSV UTF-8')" if file_format == "csv" else ""),
        )
    if _is_blank(path):
        return ReadResult(file_format, file_error="the file is empty")
    reader = {"csv": _read_csv, "json": _read_json, "xlsx": _read_xlsx}[file_format]
    result = reader(con, path, excel_extension)
    if result.file_error is None:
        result.rows_read = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
        if result.rows_read == 0:
            result.file_error = "the file has a header but no records"
    return result


_BOMS = (  # longest first: a UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "UTF-16 BE"),
)


def foreign_encoding(path: Path) -> tuple[str, str] | None:
    """(encoding, how it shows) when a text file is UTF-16 or UTF-32 rather than UTF-8: by its
    byte-order mark, or, without one, by every other byte of its start being zero (ASCII text
    in UTF-16); ("binary", where) when its start holds a NUL byte otherwise. Such a file is
    refused whole, with its encoding named: read as UTF-8 it would turn into one bad line per
    record, none saying why.

    Decoding it instead was weighed and not chosen: the contract asks for UTF-8 (every reader,
    line number and byte offset here assumes it), Excel's 'CSV UTF-8' is one click away for
    the submitter, and a refusal that says exactly what to do costs one redelivery, where a
    silent transcode would hide from the submitter that their export differs from the
    contract."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, "byte-order mark"
    pairs = len(head) // 2
    if b"\0" in head and pairs >= 8:
        even_zero = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0)
        odd_zero = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0)
        if odd_zero >= 0.9 * pairs and even_zero == 0:
            return "UTF-16 LE", "no byte-order mark, but every other byte is zero"
        if even_zero >= 0.9 * pairs and odd_zero == 0:
            return "UTF-16 BE", "no byte-order mark, but every other byte is zero"
    if b"\0" in head:  # no text file in any 8-bit encoding or UTF-8 holds a NUL byte
        return "binary", f"a NUL byte at offset {head.index(0)}"
    return None


_DELIMITERS = ((";", "semicolon"), ("\t", "tab"), ("|", "pipe"))


def delimiter_problem(header: list[str]) -> str | None:
    """Why the header shows the file uses another delimiter than the contract's comma, or None:
    no contract column in the header as read with commas, but two or more when split on a
    semicolon, a tab or a pipe (then every record would be one unknown column)."""
    names = [normalise_name(h) for h in header]
    if any(n in COLUMN_NAMES for n in names):
        return None
    line = ",".join(header)
    for delimiter, label in _DELIMITERS:
        split = [normalise_name(part.strip('"')) for part in line.split(delimiter)]
        if sum(n in COLUMN_NAMES for n in split) >= 2:
            shown = line if len(line) <= 40 else line[:40] + "..."
            return (
                f"{label}-separated; the contract needs commas (read with commas, the header "
                f"{shown!r} names no known column): save it as comma-separated CSV"
            )
    return None


def _no_rebuilt_raw(con: duckdb.DuckDBPyConnection) -> None:
    """`incoming_raw(_record)` rebuilds a record's text when the reader did not keep it; readers
    that keep `_raw` for every row define it as NULL."""
    con.execute("CREATE OR REPLACE TEMP MACRO incoming_raw(record, rn) AS NULL::VARCHAR")


def _is_blank(path: Path) -> bool:
    """Whether the file holds nothing but whitespace (and a byte-order mark), read in chunks."""
    with path.open("rb") as handle:
        first = True
        while chunk := handle.read(1024 * 1024):
            if first and chunk.startswith(UTF8_BOM):
                chunk = chunk[len(UTF8_BOM) :]
            first = False
            if chunk.strip(b" \t\r\n"):
                return False
    return True


def _header_problem(names: list[str]) -> str | None:
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        return f"duplicate column(s) in the header: {', '.join(duplicates)}"
    if "" in names:
        return f"the header has an empty column name (column {names.index('') + 1})"
    return None


def _read_csv(con, path: Path, _excel) -> ReadResult:
    """DuckDB's CSV reader (csv_reader.py); the exact line-by-line reader for files whose lines
    it cannot account for (values spanning lines, blank lines, an unusual header)."""
    header = csv_reader.read_header(path)
    if header is not None:
        fields, encoding = header
        names = [normalise_name(h) for h in fields]
        problem = delimiter_problem(fields) or _header_problem(names)
        if problem:
            return ReadResult("csv", encoding, file_error=problem)
        try:
            read = csv_reader.read_csv(con, path, names, record_struct)
        except duckdb.Error:
            read = False
        if read:
            result = ReadResult("csv", encoding=encoding)
            if encoding == "utf-8-sig":
                result.notices.append(
                    "a UTF-8 byte-order mark was removed from the start of the file"
                )
            (bad_encoding,) = con.execute(
                "SELECT count(*) FROM incoming WHERE _parse_error LIKE '%not UTF-8%'"
            ).fetchone()
            if bad_encoding:
                result.encoding = "mixed/invalid utf-8"
            return result
        _no_rebuilt_raw(con)
    return _read_csv_lines(con, path, path.read_bytes())


def _decode_lines(data: bytes) -> tuple[list[str], dict[int, str], str]:
    """Decode line by line so one badly encoded line does not sink the file.

    Returns the decoded lines, {line number: problem} for lines that are not UTF-8, and the
    encoding name. Invalid lines are decoded as Windows-1252 so the quarantine can show them.
    """
    encoding = "utf-8"
    if data.startswith(UTF8_BOM):
        data, encoding = data[len(UTF8_BOM) :], "utf-8-sig"
    lines, problems = [], {}
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            lines.append(raw.decode("cp1252", errors="replace"))
            problems[number] = (
                f"byte 0x{raw[exc.start]:02X} at position {exc.start + 1} of line {number} is "
                "not UTF-8 (the file looks Latin-1/Windows-1252 encoded; save it as UTF-8)"
            )
    return lines, problems, encoding


def _read_csv_lines(con, path: Path, data: bytes) -> ReadResult:
    lines, bad_lines, encoding = _decode_lines(data)
    result = ReadResult("csv", encoding=encoding)
    if encoding == "utf-8-sig":
        result.notices.append("a UTF-8 byte-order mark was removed from the start of the file")
    if bad_lines:
        result.encoding = "mixed/invalid utf-8"
    text = io.StringIO("".join(lines), newline="")
    try:
        reader = csv.reader(text, strict=True)
        header = next(reader)
        header_line = reader.line_num
    except csv.Error as exc:
        return ReadResult("csv", encoding, file_error=f"the header is not valid CSV: {exc}")
    names = [normalise_name(h) for h in header]
    problem = delimiter_problem(header) or _header_problem(names)
    if problem:
        return ReadResult("csv", encoding, file_error=problem)
    rows = {"_row_number": [], "_json": [], "_parse_error": [], "_raw": []}
    first_line = header_line + 1
    while True:
        try:
            values = next(reader)
            error = None
        except StopIteration:
            break
        except csv.Error as exc:
            values, error = [], f"is not valid CSV: {exc}"
        last_line = reader.line_num
        raw = "".join(lines[first_line - 1 : last_line])
        span = range(first_line, last_line + 1)
        first_line, row_number = last_line + 1, first_line
        if not error and not any(v.strip() for v in values):
            continue  # a blank line is not a record
        encoding_problems = [bad_lines[n] for n in span if n in bad_lines]
        if encoding_problems:
            error = "; ".join(encoding_problems)
        elif not error and len(values) != len(names):
            error = f"has {len(values)} fields but the header has {len(names)}"
        record = dict(zip(names, values, strict=False)) if not error else {}
        rows["_row_number"].append(row_number)
        rows["_json"].append(json.dumps(record, ensure_ascii=False))
        rows["_parse_error"].append(error)
        rows["_raw"].append(raw.rstrip("\r\n"))
    frame = pd.DataFrame(rows).astype(
        {"_row_number": "int64", "_json": "object", "_parse_error": "object", "_raw": "object"}
    )
    con.register("csv_rows", frame)
    try:
        con.execute(
            _INCOMING_FROM_JSON.format(
                source="(SELECT _row_number, _json::JSON AS _json, _parse_error, _raw "
                "FROM csv_rows)"
            )
        )
    finally:
        con.unregister("csv_rows")
    return result


def _utf8_problem(path: Path) -> tuple[str, bytes] | None:
    """Where the file stops being UTF-8 (offset, offending byte), checked in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(8 * 1024 * 1024)
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                data = pending + chunk
                return str(offset - len(pending) + exc.start), data[exc.start : exc.start + 1]
            if not chunk:
                return None
            offset += len(chunk)


def _read_json(con, path: Path, _excel) -> ReadResult:
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    encoding = "utf-8-sig" if head.startswith(UTF8_BOM) else "utf-8"
    problem = _utf8_problem(path)
    if problem:
        offset, byte = problem
        return ReadResult(
            "json",
            "invalid",
            file_error=(
                f"byte 0x{byte[0] if byte else 0:02X} at offset {offset} is not UTF-8; JSON files "
                "must be UTF-8 encoded"
            ),
        )
    if not head.lstrip(UTF8_BOM + b" \t\r\n").startswith(b"["):
        return ReadResult(
            "json",
            encoding,
            file_error=("the file must be a JSON array of records ([{...}, {...}])"),
        )
    try:
        _json_records_into_incoming(con, f"'{_sql_path(path)}'")
    except duckdb.Error as exc:
        complete = _complete_json_prefix(path.read_bytes())
        if complete is None:
            return ReadResult("json", encoding, file_error=f"malformed JSON: {_first_line(exc)}")
        # Keep every complete record before the break; name the record where it broke.
        prefix, count, problem, tail = complete
        _json_records_into_incoming(con, "?", [prefix])
        con.execute(
            "INSERT INTO incoming (_row_number, _parse_error, _raw) VALUES (?, ?, ?)",
            [count + 1, f"record {count + 1} could not be read: {problem}", tail[:RAW_PREVIEW]],
        )
    result = ReadResult("json", encoding)
    if encoding == "utf-8-sig":
        result.notices.append("a UTF-8 byte-order mark was removed from the start of the file")
    return result


RAW_PREVIEW = 2_000
"""Characters of an unreadable tail kept for the quarantine."""


_JSON_VALUE = """CASE json_type({v})
    WHEN 'NULL' THEN NULL
    WHEN 'ARRAY' THEN array_to_string(
        list_transform(CAST({v} AS JSON[]), x -> coalesce(x ->> '$', '')), '; ')
    ELSE {v} ->> '$' END"""

_JSON_TEXT = """CASE WHEN {s} IS NULL THEN NULL
    WHEN starts_with({s}, '"') AND NOT contains({s}, '\\') THEN ({s})[2:-2]
    ELSE """
"""A JSON value (as text) as the text of `_JSON_VALUE`: a string without escapes is cut out of
its quotes without parsing it again; anything else goes through `_JSON_VALUE`."""


def _json_text(s: str) -> str:
    return _JSON_TEXT.format(s=s) + _JSON_VALUE.format(v=f"({s})::JSON") + " END"


def _json_records_into_incoming(con, source_sql: str, params: list | None = None) -> None:
    """`incoming` from a JSON array: a file path literal, or `?` with the text as parameter.

    The records are read once, as submitted, into the temp table `json_objects` (numbered by
    position: its rowid, the connection keeping insertion order while reading); everything
    else reads that table, not the file. When the keys are distinct once normalised, each
    record's values are extracted into a STRUCT; when the objects do not all have the same keys,
    `_keys` lists the columns each record supplied. Failing that, every record becomes a MAP of
    its normalised keys."""
    reader = (
        f"read_json_objects({source_sql}, format='array', maximum_object_size={_MAX_OBJECT})"
        if source_sql != "?"
        else "(SELECT unnest(CAST(?::JSON AS JSON[])) AS json)"
    )
    drop_temp(con, "json_objects")
    con.execute(f"CREATE TEMP TABLE json_objects AS SELECT json FROM {reader}", params or [])
    numbered = "(SELECT rowid + 1 AS _row_number, json FROM json_objects)"
    # the record as submitted, for the quarantine (only bad rows ask for it)
    con.execute(
        "CREATE OR REPLACE TEMP MACRO incoming_raw(record, rn) AS (SELECT json::VARCHAR "
        "FROM json_objects WHERE json_objects.rowid + 1 = rn)"
    )
    key_sets = [
        keys
        for (keys,) in con.execute(
            f"SELECT DISTINCT CASE WHEN {_IS_OBJECT} THEN json_keys(json) END FROM json_objects"
        ).fetchall()
        if keys is not None
    ]
    same_keys = len({frozenset(keys) for keys in key_sets}) == 1
    keys = key_sets[0] if same_keys else sorted({k for key_set in key_sets for k in key_set})
    names = [normalise_name(k) for k in keys]
    plain = bool(keys) and len(set(names)) == len(names)
    plain = plain and not any('"' in k or "\\" in k or "'" in k for k in keys)
    if not plain:
        con.execute(
            _INCOMING_FROM_JSON.format(
                source=f"""(SELECT _row_number, json AS _json, NULL::VARCHAR AS _parse_error,
                                   NULL::VARCHAR AS _raw FROM {numbered})"""
            )
        )
        return
    if same_keys:  # every object has these keys: parsed once, straight into a STRUCT
        structure = json.dumps(dict.fromkeys(keys, "JSON"))
        values = [_json_text(f"o.{_identifier(k)}::VARCHAR") for k in keys]
        extract, supplied = f"json_transform(json, {_quote(structure)}) AS o", ""
    else:  # a missing key (NULL) is told apart from a null value (JSON 'null')
        paths = "[" + ", ".join(_quote("$." + '"' + k + '"') for k in keys) + "]"
        values = [_json_text(f"v[{i + 1}]") for i in range(len(keys))]
        extract = f"json_extract(json, {paths})::VARCHAR[] AS v"
        supplied = f""",
           CASE WHEN is_object THEN list_filter({_list(names)}, (k, i) -> v[i] IS NOT NULL)
                ELSE [] END AS _keys"""
    struct = record_struct(con, names, values)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE incoming AS
        SELECT _row_number::INTEGER AS _row_number,
               CASE WHEN is_object THEN struct_pack({struct}) END AS _record,
               CASE WHEN NOT is_object THEN 'is a JSON ' || CASE json_type(json)
                    WHEN 'VARCHAR' THEN 'string' ELSE lower(json_type(json)) END
                    || ', not an object of column: value pairs' END AS _parse_error,
               NULL::VARCHAR AS _raw, NULL::BIGINT AS _raw_length{supplied}
        FROM (SELECT _row_number, json, {_IS_OBJECT} AS is_object, {extract} FROM {numbered})"""
    )


_IS_OBJECT = "ascii(json::VARCHAR) = 123"
"""Whether a record read by read_json_objects is an object: its text starts with '{' (the
reader cuts each element out of the array from its first character), without parsing it."""


_MAX_OBJECT = 16 * 1024 * 1024
"""Largest JSON record DuckDB is asked to read, in bytes."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_quote(i) for i in items) + "]::VARCHAR[]"


def _complete_json_prefix(data: bytes) -> tuple[str, int, str, str] | None:
    """For a JSON array that breaks part-way (e.g. a truncated file): the text of a valid array
    of the complete records before the break, how many there are, what is wrong after them and
    the unreadable rest. None when the array cannot be walked at all."""
    text = data.decode("utf-8-sig", errors="replace")
    decoder = json.JSONDecoder()
    position = text.find("[")
    if position < 0:
        return None
    position += 1
    ends: list[int] = []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position < len(text) and text[position] == "]":
            return None  # the array is complete: the error was elsewhere
        if position >= len(text):
            problem = (
                "the file ends without the closing ']' (truncated?); anything after it is lost"
            )
            return (
                "[" + text[text.find("[") + 1 : ends[-1] if ends else 0] + "]",
                len(ends),
                problem,
                "",
            )
        try:
            _, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            problem = (
                "the file ends inside this record (truncated?)"
                if not text.rstrip().endswith("]")
                else f"{exc.msg} at character {exc.pos - position + 1} of the record"
            )
            start = text.find("[") + 1
            body = text[start : ends[-1]] if ends else ""
            return "[" + body + "]", len(ends), problem, text[position:]
        ends.append(position)


def _read_xlsx(con, path: Path, excel_extension: Path | None) -> ReadResult:
    # DuckDB's reader can hang on a damaged archive, so check the container first.
    problem = _xlsx_container_problem(path)
    if problem:
        return ReadResult("xlsx", file_error=problem)
    if excel_extension is None:
        return ReadResult("xlsx", file_error="the DuckDB excel extension is not available")
    con.execute(f"LOAD '{_sql_path(excel_extension)}'")
    sheet = f"read_xlsx('{_sql_path(path)}', header=true, all_varchar=true, stop_at_empty=false)"
    try:
        fields = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {sheet}").fetchall()]
    except duckdb.Error as exc:
        return ReadResult("xlsx", file_error=f"the workbook could not be read: {_first_line(exc)}")
    names = [normalise_name(f) for f in fields]
    problem = _header_problem(names)
    if problem:
        return ReadResult("xlsx", "xlsx", file_error=problem)
    struct = record_struct(con, names, [f"t.{_identifier(f)}" for f in fields])
    any_value = " OR ".join(f"nullif(trim(t.{_identifier(f)}), '') IS NOT NULL" for f in fields)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE incoming AS
            SELECT _row_number::INTEGER AS _row_number, _record, NULL::VARCHAR AS _parse_error,
                   NULL::VARCHAR AS _raw, NULL::BIGINT AS _raw_length
            FROM (SELECT row_number() OVER () + 1 AS _row_number, struct_pack({struct}) AS _record,
                         {any_value} AS _has_value
                  FROM {sheet} AS t)
            -- rows whose cells are all empty are blank lines, not records
            WHERE _has_value"""
        )
    except duckdb.Error as exc:
        return ReadResult("xlsx", file_error=f"the workbook could not be read: {_first_line(exc)}")
    con.execute("CREATE OR REPLACE TEMP MACRO incoming_raw(record, rn) AS to_json(record)::VARCHAR")
    return ReadResult("xlsx", encoding="xlsx")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def record_struct(con: duckdb.DuckDBPyConnection, names: list[str], values: list[str]) -> str:
    """SQL for `_record` as a STRUCT: the file's columns (`names` -> SQL `values`), then every
    contract column the file lacks as NULL, so `_record['<contract column>']` always binds.
    The file's own column names go to the temp table `incoming_columns`."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE incoming_columns AS "
        "SELECT unnest(?::VARCHAR[]) AS name, generate_subscripts(?::VARCHAR[], 1) AS position",
        [names, names],
    )
    fields = [f"{_identifier(n)} := {v}" for n, v in zip(names, values, strict=True)]
    fields += [f"{_identifier(c)} := NULL::VARCHAR" for c in COLUMN_NAMES if c not in names]
    return ", ".join(fields)


def _xlsx_container_problem(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            missing = [m for m in XLSX_REQUIRED_MEMBERS if m not in members]
            if missing:
                return f"not an Excel workbook (missing {', '.join(missing)})"
            broken = archive.testzip()
            if broken:
                return f"the workbook is damaged (member {broken} fails its checksum)"
    except zipfile.BadZipFile as exc:
        return f"not an Excel .xlsx workbook ({exc})"
    return None


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
