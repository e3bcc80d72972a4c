"""The WDI bulk CSV (`API_<code>_DS2_en_csv_v2_<n>.csv`): a second input path for offline or
bulk loads, read by DuckDB.

The real file is UTF-8 with a BOM and CRLF line endings; four preamble lines (`"Data Source"`,
blank, `"Last Updated Date","2025-10-07"`, blank), then the header `Country Name,Country Code,
Indicator Name,Indicator Code,1960,...,2024,` with a trailing empty column; one column per year,
missing values empty. DuckDB reads it (skipping the preamble), UNPIVOTs the year columns into
country × year rows and the shared validation (`values.validate_staged`) sorts them; the audit
runs before anything is published; then one transaction replaces the file's indicators' bulk
values, adds the quarantined cells and records the file (by SHA-256: loading the same bytes
again does nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .config import Indicator
from .raw_schema import (
    BULK_FILES_TABLE,
    BULK_QUARANTINE_TABLE,
    BULK_VALUES_TABLE,
    ECONOMIES_TABLE,
    ensure_raw_schema,
)
from .values import (
    Audit,
    AuditFn,
    Validation,
    insert_rejected,
    insert_valid,
    run_audit,
    stage_table,
    validate_staged,
)

PREAMBLE_LINES = 4
HEADER_START = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
LOADED, ALREADY_LOADED, FAILED_AUDIT = "loaded", "already_loaded", "failed_audit"


class BulkCsvError(Exception):
    """A file that is not a WDI bulk CSV; the message names the file first."""


@dataclass
class BulkLoad:
    path: Path
    sha256: str
    status: str = LOADED
    last_updated: str | None = None
    indicator_codes: list[str] = field(default_factory=list)
    validation: Validation = field(default_factory=Validation)
    audit: Audit | None = None

    def summary(self) -> str:
        if self.status == ALREADY_LOADED:
            return f"{self.path.name}: already loaded (same SHA-256), nothing to do"
        v = self.validation
        text = (
            f"{self.path.name} ({', '.join(self.indicator_codes)}, last updated "
            f"{self.last_updated}): {v.rows_valid} values, {v.rows_quarantined} quarantined"
        )
        if v.by_reason:
            text += " (" + ", ".join(f"{k} {n}" for k, n in v.by_reason.items()) + ")"
        if self.status == FAILED_AUDIT:
            why = self.audit.description if self.audit else ""
            text += f"; audit failed, nothing published: {why}"
        return text


def read_preamble(path: Path) -> str | None:
    """The "Last Updated Date" of the preamble (ISO date), checking the header line's shape."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = [handle.readline() for _ in range(PREAMBLE_LINES + 1)]
    last_updated = None
    for line in lines[:PREAMBLE_LINES]:
        match = re.match(r'"Last Updated Date","(\d{4}-\d{2}-\d{2})"', line.strip())
        if match:
            last_updated = match.group(1)
    header = [c.strip().strip('"') for c in lines[PREAMBLE_LINES].split(",")]
    if header[:4] != HEADER_START:
        raise BulkCsvError(
            f"{path}: line {PREAMBLE_LINES + 1} should be the header starting "
            f"{','.join(HEADER_START)}; got {lines[PREAMBLE_LINES][:80]!r} (not a WDI bulk CSV?)"
        )
    return last_updated


def stage_bulk_csv(con: duckdb.DuckDBPyConnection, path: Path, last_updated: str | None) -> None:
    """`wb_staged` from the file: DuckDB reads it as text and UNPIVOTs the year columns (empty
    cells are no observation); a cell is named by its economy code and year column."""
    stage_table(con)
    source = str(path)
    reader = (
        f"read_csv({_literal(source)}, skip={PREAMBLE_LINES}, header=true, all_varchar=true, "
        "delim=',', quote='\"', strict_mode=false)"
    )
    con.execute(
        f"""INSERT INTO wb_staged
        WITH long AS (
            UNPIVOT (SELECT * FROM {reader})
            ON COLUMNS('^[0-9]{{4}}$') INTO NAME year_raw VALUE value_raw
        )
        SELECT {_literal(source)}, NULL,
               'row of ' || coalesce("Country Code", '?') || ', year ' || year_raw,
               "Indicator Code", "Indicator Name", nullif(trim("Country Code"), ''),
               "Country Name", year_raw, value_raw, coalesce(trim(value_raw), '') = '',
               NULL, TRY_CAST(? AS DATE), "Country Code" || ',' || year_raw || ',' || value_raw
        FROM long""",
        [last_updated],
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """A file with these bytes was loaded before (the same bytes load once)."""
    sql = f"SELECT count(*) FROM {BULK_FILES_TABLE} WHERE file_sha256 = ?"
    return bool(con.execute(sql, [sha256]).fetchone()[0])


def load_bulk_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    indicators: list[Indicator],
    *,
    audit: AuditFn | None = None,
    max_year: int | None = None,
) -> BulkLoad:
    """Load one WDI bulk CSV file (see the module docstring). Values of indicators not in
    `indicators`, of economies absent from the country metadata, and cells that are not numbers
    are quarantined with the reason."""
    path = Path(path)
    ensure_raw_schema(con)
    load = BulkLoad(path, sha256_of(path))
    if already_loaded(con, load.sha256):
        load.status = ALREADY_LOADED
        return load
    if not con.execute(f"SELECT count(*) FROM {ECONOMIES_TABLE}").fetchone()[0]:
        raise BulkCsvError(
            f"{path}: the World Bank country metadata is not loaded yet (raw.worldbank_economies "
            "is empty), so countries cannot be told from aggregates; load raw/worldbank_economies "
            "first"
        )
    load.last_updated = read_preamble(path)
    stage_bulk_csv(con, path, load.last_updated)
    load.indicator_codes = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT indicator_code FROM wb_staged WHERE indicator_code IS NOT NULL "
            "ORDER BY 1"
        ).fetchall()
    ]
    load.validation = validate_staged(con, indicators, max_year or dt.date.today().year + 1)
    load.audit = run_audit(con, audit)
    if load.audit is not None and not load.audit.passed:
        load.status = FAILED_AUDIT
        return load
    load_id = uuid.uuid4().hex
    v = load.validation
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"DELETE FROM {BULK_VALUES_TABLE} WHERE list_contains(?, indicator_code)",
            [load.indicator_codes],
        )
        insert_valid(con, BULK_VALUES_TABLE, load_id)
        insert_rejected(con, BULK_QUARANTINE_TABLE, load_id)
        con.execute(
            f"INSERT INTO {BULK_FILES_TABLE} VALUES (?, ?, ?, TRY_CAST(? AS DATE), ?, ?, ?, ?, "
            "now())",
            [
                path.name,
                load.sha256,
                load.indicator_codes,
                load.last_updated,
                v.rows_read - v.rows_without_value,
                v.rows_valid,
                v.rows_quarantined,
                load_id,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return load
