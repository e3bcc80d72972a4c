"""The blocking audit of one programme-records delivery, on the rows about to be published.

The contract filter (`sources/programme_records/validation.py`) has already judged every row
against every rule of the contract; repeating those rules here could never fail. This audit checks
what the filter does *not* guarantee, on the rows it let through (the loader's `CandidateRows`):

- **nothing lost** (DuckDB counts): rows about to be published + records quarantined = records
  read from the file. A join that drops or repeats rows breaks it.
- **columns and types** (GE, on the candidate's schema as DuckDB describes it): exactly the
  columns `raw.programme_records` has, each with the type that table gives it, read from the
  table itself (an older warehouse, or a step that typed a text value, shows here).
- **keys** (GE, on the keys read from DuckDB): `programme_ref` (case-insensitive) and the row
  number unique within the delivery, and no programme_ref already held in raw by another
  organisation, looked up in `raw.programme_records` itself, not in the `held` table the
  filter used.
- **quarantined share** (DuckDB counts): when more than `LT_MAX_QUARANTINED_SHARE` (default 0.5)
  of the records were quarantined, the delivery is probably in the wrong format (another
  layout, delimiter or export): nothing of it is published. A file whose records were all
  quarantined publishes nothing anyway (status `rejected`).

Great Expectations is imported only when the audit runs (`expectations/runner.py`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from sources.programme_records.loader import AuditOutcome, CandidateRows
from sources.programme_records.raw_schema import RECORDS_TABLE, SCHEMA

from . import runner

SUITE_NAME = "raw_programme_records"
CHECK_NAME = f"ge_{SUITE_NAME}"
"""The Dagster asset check that carries the audit's verdict."""

DEFAULT_MAX_QUARANTINED_SHARE = 0.5
MAX_SHARE_VARIABLE = "LT_MAX_QUARANTINED_SHARE"
EXAMPLES = 5


def max_quarantined_share() -> float:
    """LT_MAX_QUARANTINED_SHARE as a fraction in [0, 1] (default 0.5)."""
    raw = os.environ.get(MAX_SHARE_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_QUARANTINED_SHARE
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{MAX_SHARE_VARIABLE}={raw!r} is not a number between 0 and 1") from None
    if not 0 <= value <= 1:
        raise ValueError(f"{MAX_SHARE_VARIABLE}={raw!r} is not between 0 and 1")
    return value


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    message: str
    """What is wrong (empty when passed)."""


def audit_delivery(rows: CandidateRows) -> AuditOutcome:
    """Audit the rows one delivery is about to publish; the outcome blocks the publish when it
    did not pass. Checks are listed root cause first: lost rows and a wrong schema explain
    everything after them."""
    con, relation = rows.connection, rows.relation
    checks = [_nothing_lost(rows)]
    expected, delivered = _raw_columns(con), _schema_frame(con, relation)
    schema = runner.validate_suite(_schema_suite(expected), delivered, RECORDS_TABLE)
    checks.append(_schema_check(schema, list(delivered["column_and_type"]), expected))
    keys = runner.validate_suite(
        _keys_suite(), _keys_frame(con, relation, rows.file_id, rows.organisation), RECORDS_TABLE
    )
    checks += _key_checks(keys)
    checks.append(_share_check(rows, max_quarantined_share()))
    failed = [c for c in checks if not c.passed]
    description = (
        "; ".join(f"{c.name}: {c.message}" for c in failed)
        if failed
        else f"{len(checks)} checks passed on {len(rows)} row(s) about to be published "
        f"({rows.records_read} read, {rows.quarantined} quarantined)"
    )
    return AuditOutcome(
        passed=not failed,
        check_name=CHECK_NAME,
        description=description,
        metadata={
            "rows_to_publish": len(rows),
            "records_read": rows.records_read,
            "records_quarantined": rows.quarantined,
            "checks": {c.name: "passed" if c.passed else c.message for c in checks},
            "failed_checks": [c.name for c in failed],
            "ge_schema": schema.to_metadata()["summary"],
            "ge_keys": keys.to_metadata()["summary"],
        },
    )


# --------------------------------------------------------------------------- counts


def _nothing_lost(rows: CandidateRows) -> Check:
    accounted = len(rows) + rows.quarantined
    if accounted == rows.records_read:
        return Check("nothing lost", True, "")
    how = "lost" if accounted < rows.records_read else "appeared from nowhere"
    return Check(
        "nothing lost",
        False,
        f"{rows.records_read} record(s) read but {len(rows)} about to be published + "
        f"{rows.quarantined} quarantined = {accounted} ({abs(accounted - rows.records_read)} "
        f"{how}; the load has a bug, nothing published)",
    )


def _share_check(rows: CandidateRows, limit: float) -> Check:
    name = "quarantined share"
    if not len(rows) or not rows.records_read:  # nothing would be published anyway
        return Check(name, True, "")
    share = rows.quarantined / rows.records_read
    if share <= limit:
        return Check(name, True, "")
    return Check(
        name,
        False,
        f"{rows.quarantined} of {rows.records_read} records ({share:.0%}) quarantined, above "
        f"{MAX_SHARE_VARIABLE}={limit:g}: probably the wrong format (not even the "
        f"{len(rows)} good row(s) published)",
    )


# --------------------------------------------------------------------------- schema (GE)


def _raw_columns(con) -> list[str]:
    """`<column> <type>` of every column of raw.programme_records, in table order."""
    return [
        f"{name} {data_type}"
        for name, data_type in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = ? "
            "AND table_name = ? ORDER BY column_index",
            [SCHEMA, RECORDS_TABLE.split(".", 1)[1]],
        ).fetchall()
    ]


def _schema_frame(con, relation: str):
    """One row per column of the rows about to be published: `<column> <DuckDB type>`."""
    sql = "SELECT column_name || ' ' || column_type AS column_and_type FROM (DESCRIBE {})"
    return runner.read_query(con, sql.format(relation))


def _schema_suite(expected: list[str]) -> dict[str, Any]:
    return _suite(
        [
            _expectation(
                "expect_column_values_to_be_in_set",
                "every column delivered is one raw.programme_records has, with its type",
                column="column_and_type",
                value_set=expected,
            ),
            _expectation(
                "expect_column_distinct_values_to_contain_set",
                "every column raw.programme_records has is delivered, with its type",
                column="column_and_type",
                value_set=expected,
            ),
        ]
    )


def _schema_check(result: runner.SuiteResult, delivered: list[str], expected: list[str]) -> Check:
    """The GE verdict, told as what differs (the columns are few: the message lists them)."""
    if result.success:
        return Check("columns and types", True, "")
    extra = [c for c in delivered if c not in expected]
    missing = [c for c in expected if c not in delivered]
    parts = []
    if extra:
        parts.append(f"delivered {', '.join(extra)}, which raw.programme_records does not have")
    if missing:
        parts.append(f"raw.programme_records expects {', '.join(missing)}, not delivered")
    return Check("columns and types", False, "; ".join(parts) or result.describe())


# --------------------------------------------------------------------------- keys (GE)


def _keys_frame(con, relation: str, file_id: str, organisation: str):
    """The key of every row about to be published, and which other organisation already holds
    it in raw (NULL when none)."""
    return runner.read_query(
        con,
        f"""WITH others AS (
            SELECT lower(programme_ref) AS programme_key, min(_organisation) AS owner
            FROM {RECORDS_TABLE}
            WHERE _file_id <> $file AND _organisation <> $organisation
            GROUP BY 1)
        SELECT c._row_number, lower(c.programme_ref) AS programme_key,
               CASE WHEN o.owner IS NOT NULL
                    THEN c.programme_ref || ' (held by ' || o.owner || ')' END AS held_elsewhere
        FROM {relation} AS c LEFT JOIN others AS o ON o.programme_key = lower(c.programme_ref)""",
        {"file": file_id, "organisation": organisation},
    )


def _keys_suite() -> dict[str, Any]:
    return _suite(
        [
            _expectation(
                "expect_column_values_to_be_unique",
                "one row per programme_ref (any case) within the delivery",
                column="programme_key",
            ),
            _expectation(
                "expect_column_values_to_be_unique",
                "one row per delivered file row",
                column="_row_number",
            ),
            _expectation(
                "expect_column_values_to_be_null",
                "no programme_ref held in raw by another organisation",
                column="held_elsewhere",
            ),
        ]
    )


def _key_checks(result: runner.SuiteResult) -> list[Check]:
    failed = {(f["expectation_type"], f["columns"][0]): f for f in result.failures}
    checks = []
    for name, key, what in (
        (
            "programme_ref unique in the delivery",
            ("expect_column_values_to_be_unique", "programme_key"),
            "repeated",
        ),
        ("row numbers unique", ("expect_column_values_to_be_unique", "_row_number"), "repeated"),
        (
            "programme_ref not held by another organisation",
            ("expect_column_values_to_be_null", "held_elsewhere"),
            "already held elsewhere",
        ),
    ):
        failure = failed.get(key)
        if failure is None:
            checks.append(Check(name, True, ""))
            continue
        values = list(dict.fromkeys(map(str, failure.get("partial_unexpected_values") or [])))
        checks.append(
            Check(
                name,
                False,
                f"{failure.get('unexpected_count')} row(s) {what}, e.g. "
                + ", ".join(values[:EXAMPLES]),
            )
        )
    return checks


# --------------------------------------------------------------------------- helpers


def _expectation(type_: str, rule: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": {"rule": rule}, "severity": "critical"}


def _suite(expectations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": SUITE_NAME, "expectations": expectations}
