"""Load one delivered programme-records file into the raw layer: write, audit, publish.

1. Write: the file is read and every row checked against the contract in temporary tables.
2. Audit: the rows that passed are handed to `audit` (the blocking raw suite) before anything
   is visible; a failed audit publishes none of the file's rows.
3. Publish: in one transaction the file's good rows go to raw.programme_records, its bad rows to
   raw.programme_records_quarantine with their reasons, and one row describing the file and
   its outcome to raw.programme_record_files.

Loading the same delivery again replaces its rows with identical ones (the first load time is
kept), so re-running is idempotent. Messages name the submitted file, never a server path.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ..transactions import run_in_transaction
from . import csv_reader
from .archive import Delivery
from .contract import COLUMN_NAMES
from .contract import reference_year as contract_reference_year
from .raw_schema import (
    FILES_TABLE,
    QUARANTINE_TABLE,
    RAW_RECORD_PREFIX,
    RECORDS_TABLE,
    ensure_raw_schema,
)
from .reader import read_into_duckdb
from .temp_tables import drop_temp
from .validation import load_held, load_reference, validate_incoming

LOADED, PARTIALLY_LOADED, REJECTED, FAILED_AUDIT = (
    "loaded",
    "partially_loaded",
    "rejected",
    "failed_audit",
)


@dataclass(frozen=True)
class AuditOutcome:
    passed: bool
    check_name: str
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


WHOLE_FILE_REJECTED = "the whole file was rejected: "
"""How the reason of a file that could not be read at all starts (its one quarantine row)."""

PROBLEMS_KEPT = 1_000
"""Quarantined rows listed in LoadResult.problems (all of them are in the quarantine table)."""
EXAMPLES_PER_REASON = 3


class CandidateRows:
    """The rows about to be published (raw.programme_records shape), as the audit sees them:
    `len(rows)`, `rows.relation` (a DuckDB view on `rows.connection`, for an audit that lets
    DuckDB do the heavy lifting) or `rows.frame()` (one DataFrame of every row); and what the
    audit needs to account for them: the delivery (`file_id`, `organisation`), how many records
    were read from the file and how many of them were quarantined."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        *,
        file_id: str = "",
        organisation: str = "",
        records_read: int = 0,
        quarantined: int = 0,
    ):
        self._con, self._table = con, table
        (self._count,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        self.file_id, self.organisation = file_id, organisation
        self.records_read, self.quarantined = records_read, quarantined

    def __len__(self) -> int:
        return self._count

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._con

    @property
    def relation(self) -> str:
        """The temp view holding the rows, for an audit that queries DuckDB itself."""
        return self._table

    def frame(self):
        with warnings.catch_warnings():
            # duckdb's DataFrame conversion uses an `inplace=` pandas deprecates; not ours.
            warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
            return self._con.execute(f"SELECT * FROM {self._table} ORDER BY _row_number").df()


Audit = Callable[[CandidateRows], AuditOutcome]
"""Called with the rows about to be published; returns whether they may be published."""


@dataclass
class LoadResult:
    file_id: str
    file_name: str
    file_format: str | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    status: str
    problems: list[tuple[int | None, list[str]]] = field(default_factory=list)
    """(row number or None for the whole file, reasons) of the first PROBLEMS_KEPT quarantined
    rows, in row order (every row and reason is in the quarantine table)."""
    notices: list[str] = field(default_factory=list)
    audit: AuditOutcome | None = None
    reasons: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    """Rule -> (quarantined rows that broke it, up to EXAMPLES_PER_REASON examples
    '<row n|whole file>: <reason>'), root cause first, then the most frequent, over ALL
    quarantined rows (see `_reasons`)."""
    commit_attempts: int = 1
    """How many times the publish transaction ran: more than 1 when its commit conflicted with
    another writer's on a shared lake and was run again (sources/transactions.py)."""

    def summary(self) -> str:
        if self.status == FAILED_AUDIT:
            return (
                f"{self.file_name}: failed the {self.audit.check_name} audit, nothing published: "
                f"{self.audit.description}"
            )
        return (
            f"{self.file_name}: {self.status}: {self.rows_loaded} loaded, "
            f"{self.rows_quarantined} quarantined"
        )

    @property
    def messages(self) -> list[str]:
        """One line per quarantined row: '<file> row <n>: <reason>; <reason>'."""
        return [
            f"{self.file_name} " + (f"row {row}: " if row is not None else "") + "; ".join(r)
            for row, r in self.problems
        ]

    def reason_counts(self) -> dict[str, int]:
        """How many quarantined rows gave each reason (rules: quoted values as '...')."""
        return {rule: count for rule, (count, _) in self.reasons.items()}

    def reason_lines(self, limit: int = 5) -> list[str]:
        """The top reasons, root cause first, each with its count and a real example, e.g.
        "2 × country_code 'UK' is not an ISO 3166-1 alpha-3 country code, and alike" (alike:
        the same rule broken with other values)."""
        lines = []
        for count, examples in list(self.reasons.values())[:limit]:
            example = examples[0].split(": ", 1)[1]
            alike = count > 1 and any(e.split(": ", 1)[1] != example for e in examples)
            lines.append(f"{count} × {example}" + (", and alike" if alike else ""))
        return lines

    @property
    def root_cause(self) -> str | None:
        """The first reason of `reasons` (root cause first), as a person reads it."""
        if not self.reasons:
            return None
        _, examples = next(iter(self.reasons.values()))
        return examples[0].split(": ", 1)[1]

    def quarantine_summary(self) -> str:
        """Markdown, one entry per rule: how many rows broke it, with a few examples."""
        if not self.reasons:
            return "none"
        return "\n".join(
            f"- **{count}** × {rule}\n" + "\n".join(f"  - {e}" for e in examples)
            for rule, (count, examples) in self.reasons.items()
        )


def _status(loaded: int, quarantined: int) -> str:
    if quarantined == 0:
        return LOADED
    return PARTIALLY_LOADED if loaded else REJECTED


_CANDIDATE = "candidate_rows"


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    delivery: Delivery,
    *,
    seeds_dir: Path,
    excel_extension: Path | None,
    audit: Audit | None = None,
    reference_year: int | None = None,
) -> LoadResult:
    """Read, validate, audit and publish the file at `path` (its archived copy).

    While it runs, DuckDB's memory is capped at LT_LOAD_MEMORY_LIMIT (default 384MB; larger
    intermediate tables spill to DuckDB's temp directory), so a file of a million rows loads in
    under 1 GiB of resident memory; the setting is restored afterwards. The temp tables of the
    load are dropped at the end. `reference_year` (the year the rules take as "now"): by
    default the year of the delivery (contract.reference_year)."""
    limit = os.environ.get("LT_LOAD_MEMORY_LIMIT", DEFAULT_LOAD_MEMORY_LIMIT)
    previous_limit, temp_directory, in_order = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
        "current_setting('preserve_insertion_order')"
    ).fetchone()
    capped = bool(limit and temp_directory)  # without a temp directory nothing could spill
    if capped:
        con.execute(f"SET memory_limit = '{_setting(limit)}'")
    try:
        return _load_file(con, path, delivery, seeds_dir, excel_extension, audit, reference_year)
    finally:
        _drop_read_tables(con)
        con.execute("DROP TABLE IF EXISTS validated")
        con.execute("DROP TABLE IF EXISTS quarantined_text")
        con.execute("DROP TABLE IF EXISTS file_supplied_columns")
        con.execute(f"SET preserve_insertion_order = {bool(in_order)}")
        if capped:
            con.execute(f"SET memory_limit = '{_setting(previous_limit)}'")


DEFAULT_LOAD_MEMORY_LIMIT = "384MB"
_READ_TABLES = (*csv_reader.TEMP_TABLES, "json_objects", "file_repeats", "file_actor_lists")


def _drop_read_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in _READ_TABLES:
        drop_temp(con, table)


def _setting(value: str) -> str:
    return value.replace("'", "''")


def _load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    delivery: Delivery,
    seeds_dir: Path,
    excel_extension: Path | None,
    audit: Audit | None,
    reference_year: int | None,
) -> LoadResult:
    ensure_raw_schema(con)
    previous = con.execute(
        f"SELECT min(loaded_at) FROM {FILES_TABLE} WHERE file_id = ?", [delivery.file_id]
    ).fetchone()[0]
    loaded_at = previous or datetime.now(UTC)

    con.execute("SET preserve_insertion_order = true")  # readers number records as read
    read = read_into_duckdb(con, path, excel_extension, shown_name=delivery.file_name)
    # Rows are numbered by now; what follows is set-based and needs no order (queries that show
    # rows sort them), and DuckDB writes and spills faster without keeping one.
    con.execute("SET preserve_insertion_order = false")
    load_reference(con, seeds_dir)
    load_held(con, delivery.organisation)
    validate_incoming(con, reference_year or contract_reference_year(delivery.delivered_at))
    _drop_read_tables(con)  # everything later reads `validated`; free their memory now
    if read.file_error is not None:
        con.execute(
            "INSERT INTO validated (_row_number, reasons, supplied_columns) VALUES (NULL, [?], [])",
            [WHOLE_FILE_REJECTED + read.file_error],
        )

    params = {
        "id": delivery.file_id,
        "sha": delivery.sha256,
        "name": delivery.file_name,
        "org": delivery.organisation,
        "delivered": delivery.delivered_at,
        "loaded_at": loaded_at,
    }
    columns = ", ".join(COLUMN_NAMES)
    # A view, not a copy: the audit reads it in batches and the publish step inserts from it.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE load_file_params AS
           SELECT $id AS _file_id, $sha AS _file_sha256, $name AS _file_name,
                  $org AS _organisation, $delivered::TIMESTAMPTZ AS _delivered_at,
                  $loaded_at::TIMESTAMPTZ AS _loaded_at""",
        params,
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {_CANDIDATE} AS
            SELECT {columns}, _file_id, _file_sha256, _file_name, _organisation, _delivered_at,
                   _row_number, supplied_columns AS _supplied_columns, _loaded_at
            FROM validated CROSS JOIN load_file_params WHERE len(reasons) = 0"""
    )
    audit_outcome = None
    if audit:
        (quarantined_records,) = con.execute(
            "SELECT count(*) FROM validated WHERE len(reasons) > 0 AND _row_number IS NOT NULL"
        ).fetchone()
        candidate = CandidateRows(
            con,
            _CANDIDATE,
            file_id=delivery.file_id,
            organisation=delivery.organisation,
            records_read=read.rows_read,
            quarantined=quarantined_records,
        )
        audit_outcome = audit(candidate)
    published = audit_outcome is None or audit_outcome.passed

    loaded, quarantined = con.execute(
        "SELECT count(*) FILTER (len(reasons) = 0), count(*) FILTER (len(reasons) > 0) "
        "FROM validated"
    ).fetchone()
    status = _status(loaded, quarantined) if published else FAILED_AUDIT
    supplied_sets = con.execute("SELECT columns FROM file_supplied_columns").fetchall()
    columns_supplied = supplied_sets[0][0] if supplied_sets else None
    if not supplied_sets:  # the records differ in the columns they supply
        supplied_sets = con.execute(
            "SELECT DISTINCT supplied_columns FROM validated WHERE len(reasons) = 0"
        ).fetchall()
    supplied = {column for (columns,) in supplied_sets for column in columns}
    not_supplied = [c for c in COLUMN_NAMES if c not in supplied] if loaded else []
    notices = list(read.notices)
    if not_supplied and loaded:
        notices.append(
            "columns not supplied (the values held from earlier files are kept): "
            + ", ".join(not_supplied)
        )
    message = (
        audit_outcome.description
        if not published
        else read.file_error or "; ".join(notices) or None
    )

    def publish() -> None:
        # One transaction (one DuckLake snapshot): the delivery's rows appear all at once.
        for table, key in (
            (RECORDS_TABLE, "_file_id"),
            (QUARANTINE_TABLE, "_file_id"),
            (FILES_TABLE, "file_id"),
        ):
            con.execute(f"DELETE FROM {table} WHERE {key} = $id", {"id": delivery.file_id})
        if published:
            con.execute(f"INSERT INTO {RECORDS_TABLE} BY NAME SELECT * FROM {_CANDIDATE}")
        con.execute(
            f"""INSERT INTO {QUARANTINE_TABLE}
                SELECT $id, $sha, $name, $org, _row_number, programme_ref, reasons,
                       array_to_string(reasons, '; '), left(_raw, {RAW_RECORD_PREFIX}),
                       coalesce(_raw_length, length(_raw)), $loaded_at
                FROM validated LEFT JOIN quarantined_text USING (_row_number)
                WHERE len(reasons) > 0 ORDER BY _row_number NULLS FIRST""",
            {k: params[k] for k in ("id", "sha", "name", "org", "loaded_at")},
        )
        con.execute(
            f"""INSERT INTO {FILES_TABLE} VALUES ($id, $sha, $name, $org, $entry,
                    $delivered::TIMESTAMPTZ, $format, $encoding, $size, $read, $loaded,
                    $quarantined, $not_supplied, $status, $message, $loaded_at,
                    $supplied)""",
            {
                **params,
                "entry": delivery.entry_path,
                "format": read.file_format,
                "encoding": read.encoding,
                "size": delivery.size_bytes,
                "read": read.rows_read,
                "loaded": loaded if published else 0,
                "quarantined": quarantined,
                "not_supplied": not_supplied,
                "supplied": columns_supplied,
                "status": status,
                "message": message,
            },
        )

    commit_attempts = run_in_transaction(con, publish)
    problems = [
        (row, list(reasons))
        for row, reasons in con.execute(
            "SELECT _row_number, reasons FROM validated WHERE len(reasons) > 0 "
            f"ORDER BY _row_number NULLS FIRST LIMIT {PROBLEMS_KEPT}"
        ).fetchall()
    ]
    return LoadResult(
        file_id=delivery.file_id,
        file_name=delivery.file_name,
        file_format=read.file_format,
        rows_read=read.rows_read,
        rows_loaded=loaded if published else 0,
        rows_quarantined=quarantined,
        status=status,
        problems=problems,
        notices=notices,
        audit=audit_outcome,
        reasons=_reasons(con),
        commit_attempts=commit_attempts,
    )


ROOT_CAUSES = (WHOLE_FILE_REJECTED, "unknown column")
"""Reasons that explain the others on the same rows (a column the file names wrongly also
leaves the contract's column empty): listed first, whatever their counts."""


def _reasons(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, list[str]]]:
    """Quarantined rows per rule (the reason with its quoted values as '...' and its numbers as
    '#'), root cause first (ROOT_CAUSES, then a reader's error on a row, which stands alone),
    then the most frequent, with examples."""
    roots = " ".join(
        f"WHEN starts_with(reason, '{prefix}') THEN {rank}"
        for rank, prefix in enumerate(ROOT_CAUSES)
    )
    rows = con.execute(
        f"""WITH broken AS (
            SELECT _row_number, reason,
                   regexp_replace(regexp_replace(reason, '''[^'']*''', '''...''', 'g'),
                                  '[0-9]+', '#', 'g') AS rule,
                   CASE {roots} WHEN len(reasons) = 1 AND _row_number IS NOT NULL
                        AND NOT regexp_matches(reasons[1], '^[a-z_]+ ') THEN 2 ELSE 3 END AS rank
            FROM validated, unnest(reasons) AS r(reason)
            WHERE len(reasons) > 0)
        SELECT rule, count(*) AS n,
               list(CASE WHEN _row_number IS NULL THEN 'whole file'
                         ELSE 'row ' || _row_number END || ': ' || reason
                    ORDER BY _row_number NULLS FIRST)[1:{EXAMPLES_PER_REASON}]
        FROM broken GROUP BY rule ORDER BY min(rank), n DESC, rule"""
    ).fetchall()
    return {rule: (count, examples) for rule, count, examples in rows}
