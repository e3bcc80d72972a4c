"""Load one archived programme-records file into the raw layer, in one transaction.

Good rows go to raw.programme_records, bad rows to raw.programme_records_quarantine with their
reasons, and one row describing the file to raw.programme_record_files. Loading the same file
again replaces its rows with identical ones (the first load time is kept), so re-running is
idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .contract import COLUMN_NAMES
from .raw_schema import FILES_TABLE, QUARANTINE_TABLE, RECORDS_TABLE, ensure_raw_schema
from .reader import read_into_duckdb
from .validation import load_reference, validate_incoming


@dataclass
class LoadResult:
    file_name: str
    file_sha256: str
    file_format: str | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    status: str
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file_name}: {self.status}: {self.rows_loaded} loaded, "
            f"{self.rows_quarantined} quarantined"
        )


def _status(loaded: int, quarantined: int) -> str:
    if quarantined == 0:
        return "loaded"
    return "partially_loaded" if loaded else "rejected"


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    file_sha256: str,
    file_name: str | None = None,
    seeds_dir: Path,
    excel_extension: Path | None,
    load_year: int | None = None,
) -> LoadResult:
    """Read, validate and load the file at `path` (its archived copy) under its content hash."""
    file_name = file_name or path.name
    ensure_raw_schema(con)
    previous = con.execute(
        f"SELECT min(loaded_at) FROM {FILES_TABLE} WHERE file_sha256 = ?", [file_sha256]
    ).fetchone()[0]
    loaded_at = previous or datetime.now(UTC)

    read = read_into_duckdb(con, path, excel_extension)
    if read.file_error is None:
        load_reference(con, seeds_dir)
        validate_incoming(con, load_year)
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE validated AS SELECT NULL::INTEGER AS _row_number, "
            "NULL::VARCHAR AS _raw, "
            + ", ".join(f"NULL::VARCHAR AS {c}" for c in COLUMN_NAMES)
            + ", [?]::VARCHAR[] AS reasons",
            [f"the whole file was rejected: {read.file_error}"],
        )

    params = {"sha": file_sha256, "name": file_name, "loaded_at": loaded_at}
    columns = ", ".join(COLUMN_NAMES)
    record_json = "to_json(struct_pack(" + ", ".join(f"{c} := {c}" for c in COLUMN_NAMES) + "))"
    con.execute("BEGIN TRANSACTION")
    try:
        for table, key in (
            (RECORDS_TABLE, "_file_sha256"),
            (QUARANTINE_TABLE, "_file_sha256"),
            (FILES_TABLE, "file_sha256"),
        ):
            con.execute(f"DELETE FROM {table} WHERE {key} = $sha", {"sha": file_sha256})
        con.execute(
            f"""INSERT INTO {RECORDS_TABLE} ({columns}, _file_sha256, _file_name, _row_number,
                    _record_hash, _loaded_at)
                SELECT {columns}, $sha, $name, _row_number, md5({record_json}::VARCHAR),
                       $loaded_at
                FROM validated WHERE len(reasons) = 0 ORDER BY _row_number""",
            params,
        )
        con.execute(
            f"""INSERT INTO {QUARANTINE_TABLE}
                SELECT $sha, $name, _row_number, programme_ref, reasons,
                       array_to_string(reasons, '; '), _raw, $loaded_at
                FROM validated WHERE len(reasons) > 0 ORDER BY _row_number""",
            params,
        )
        loaded, quarantined = con.execute(
            "SELECT count(*) FILTER (len(reasons) = 0), count(*) FILTER (len(reasons) > 0) "
            "FROM validated"
        ).fetchone()
        status = _status(loaded, quarantined)
        message = read.file_error or "; ".join(read.notices) or None
        con.execute(
            f"""INSERT INTO {FILES_TABLE} VALUES ($sha, $name, $format, $encoding, $size,
                    $archive, $read, $loaded, $quarantined, $status, $message, $loaded_at)""",
            {
                **params,
                "format": read.file_format,
                "encoding": read.encoding,
                "size": path.stat().st_size,
                "archive": str(path),
                "read": read.rows_read,
                "loaded": loaded,
                "quarantined": quarantined,
                "status": status,
                "message": message,
            },
        )
        problems = [
            f"{file_name} " + (f"row {row}: " if row is not None else "") + "; ".join(reasons)
            for row, reasons in con.execute(
                "SELECT _row_number, reasons FROM validated WHERE len(reasons) > 0 "
                "ORDER BY _row_number"
            ).fetchall()
        ]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return LoadResult(
        file_name=file_name,
        file_sha256=file_sha256,
        file_format=read.file_format,
        rows_read=read.rows_read,
        rows_loaded=loaded,
        rows_quarantined=quarantined,
        status=status,
        problems=problems,
        notices=read.notices,
    )
