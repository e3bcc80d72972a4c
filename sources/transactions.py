"""One write transaction, retried as a whole when its commit conflicts with another writer's.

On the embedded DuckDB file there is one writing process, so a commit never conflicts. On the
DuckLake (several writers, catalog in PostgreSQL) DuckLake itself retries a commit that raced a
non-conflicting one (two inserts into the same table: `ducklake_max_retry_count`,
`ducklake_retry_wait_ms`, `ducklake_retry_backoff`), but it aborts a commit whose changes
logically conflict with one committed since the transaction began, e.g. an insert into a table
another transaction deleted from (a delivery loaded again while another is loaded). Such a
transaction is idempotent here (delete the delivery's rows, insert them), so it is simply run
again from the start, on top of the other writer's commit.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable

import duckdb

CONFLICT = "Transaction conflict"
ATTEMPTS = 8
FIRST_DELAY = 0.05


def is_conflict(exc: BaseException) -> bool:
    """A DuckLake commit refused because another writer's commit logically conflicts with it."""
    return isinstance(exc, duckdb.TransactionException) and CONFLICT in str(exc)


def run_in_transaction(
    con: duckdb.DuckDBPyConnection,
    body: Callable[[], None],
    *,
    attempts: int = ATTEMPTS,
    first_delay: float = FIRST_DELAY,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run `body` between BEGIN and COMMIT (one DuckLake snapshot); on a commit conflict roll
    back and run it again, with a jittered backoff, up to `attempts` times. Any other error
    rolls back and is raised. Returns how many attempts it took."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            body()
            con.execute("COMMIT")
            return attempt
        except Exception as exc:
            _rollback(con)
            if not is_conflict(exc) or attempt == attempts:
                raise
        sleep(delay * (1 + random.random()))
        delay *= 2
    raise AssertionError("unreachable")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.TransactionException):  # a failed COMMIT has ended it
        con.execute("ROLLBACK")
