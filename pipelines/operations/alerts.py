"""Alerts: one row in `ops.alerts`, one log line, and an optional webhook POST per failed run or
failed check.

Where the table lives: never in the warehouse DuckDB file, which has one writer (an alert
written while a load holds the file would wait, or make the load wait). By default a small
SQLite file (`LT_ALERTS_PATH`, `warehouse/ops/alerts.sqlite`; WAL mode, so readers never block
the sensor), attached as schema `ops`. On the production instance the table is `ops.alerts` in
its PostgreSQL database (LT_DAGSTER_PG_URL, or LT_ALERTS_DB_URL), beside Dagster's own tables.
An alert's id is derived from what it is about (run id, or check evaluation's storage id), so a
sensor tick that is re-evaluated records it once.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..settings import REPO_ROOT

log = logging.getLogger("learning_teams.alerts")

COLUMNS = (
    "alert_id",
    "raised_at",
    "kind",
    "subject",
    "run_id",
    "job_name",
    "message",
    "webhook_status",
)


@dataclass(frozen=True)
class Alert:
    alert_id: str
    kind: str  # run_failure | check_failure
    subject: str  # job name, or asset key + check name
    message: str
    run_id: str | None = None
    job_name: str | None = None
    raised_at: str = ""

    def line(self) -> str:
        return f"ALERT {self.kind}: {self.subject}: {self.message}"


def alerts_path() -> Path:
    path = Path(os.environ.get("LT_ALERTS_PATH") or "warehouse/ops/alerts.sqlite").expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


class _AlertTable:
    """`ops.alerts` through a DB-API connection (SQLite or PostgreSQL)."""

    placeholder = "?"

    def _connect(self):
        raise NotImplementedError

    def _run(self, sql: str, params=(), fetch: bool = False):
        con = self._connect()
        try:
            cursor = con.cursor()
            cursor.execute(sql.replace("?", self.placeholder), list(params))
            result = cursor.fetchall() if fetch else cursor.rowcount
            con.commit()
            return result
        finally:
            con.close()

    def record(self, alert: Alert, webhook_status: str | None) -> bool:
        row = {**asdict(alert), "webhook_status": webhook_status}
        inserted = self._run(
            f"INSERT INTO ops.alerts ({', '.join(COLUMNS)}) VALUES "
            f"({', '.join('?' * len(COLUMNS))}) ON CONFLICT (alert_id) DO NOTHING",
            [row[c] for c in COLUMNS],
        )
        return inserted == 1

    def exists(self, alert_id: str) -> bool:
        return bool(self._run("SELECT 1 FROM ops.alerts WHERE alert_id = ?", [alert_id], True))

    def rows(self) -> list[dict]:
        found = self._run(
            f"SELECT {', '.join(COLUMNS)} FROM ops.alerts ORDER BY raised_at, alert_id", (), True
        )
        return [dict(zip(COLUMNS, r, strict=True)) for r in found]


class SqliteAlertStore(_AlertTable):
    DDL = (
        "CREATE TABLE IF NOT EXISTS ops.alerts (alert_id TEXT PRIMARY KEY, raised_at TEXT NOT "
        "NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, run_id TEXT, job_name TEXT, "
        "message TEXT NOT NULL, webhook_status TEXT)"
    )

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(":memory:", timeout=30)
        con.execute("ATTACH DATABASE ? AS ops", [str(self.path)])
        con.execute("PRAGMA ops.journal_mode=WAL")
        con.execute(self.DDL)
        return con


class PostgresAlertStore(_AlertTable):
    placeholder = "%s"
    DDL = (
        "CREATE SCHEMA IF NOT EXISTS ops; CREATE TABLE IF NOT EXISTS ops.alerts (alert_id text "
        "PRIMARY KEY, raised_at timestamptz NOT NULL, kind text NOT NULL, subject text NOT NULL, "
        "run_id text, job_name text, message text NOT NULL, webhook_status text)"
    )

    def __init__(self, url: str) -> None:
        self.url = url

    def _connect(self):
        import psycopg2

        con = psycopg2.connect(self.url)
        with con.cursor() as cur:
            cur.execute(self.DDL)
        con.commit()
        return con


def alert_store() -> SqliteAlertStore | PostgresAlertStore:
    """LT_ALERTS_DB_URL; on the production instance (LT_DAGSTER_INSTANCE=production) the
    instance's own database, LT_DAGSTER_PG_URL; else the SQLite file LT_ALERTS_PATH."""
    url = (os.environ.get("LT_ALERTS_DB_URL") or "").strip()
    if not url and (os.environ.get("LT_DAGSTER_INSTANCE") or "").strip() == "production":
        url = (os.environ.get("LT_DAGSTER_PG_URL") or "").strip()
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresAlertStore(url)
    return SqliteAlertStore(alerts_path())


def post_webhook(url: str, alert: Alert, timeout: float = 10.0) -> str:
    """POST the alert as JSON; returns the outcome recorded with it (never raises: an alert
    that cannot be delivered is still recorded, with why)."""
    body = json.dumps({"text": alert.line(), **asdict(alert)}).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return f"HTTP {response.status}"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        log.warning(f"alert webhook {url} failed: {exc}")
        return f"failed: {exc}"


def raise_alert(alert: Alert, store=None) -> bool:
    """Record `alert` (once per alert id), log it, POST it to LT_ALERT_WEBHOOK_URL when set.
    Returns False when it was recorded already (nothing logged or sent again)."""
    store = store or alert_store()
    if store.exists(alert.alert_id):
        return False
    if not alert.raised_at:
        alert = Alert(**{**asdict(alert), "raised_at": datetime.now(UTC).isoformat()})
    url = (os.environ.get("LT_ALERT_WEBHOOK_URL") or "").strip()
    status = post_webhook(url, alert) if url else None
    recorded = store.record(alert, status)
    if recorded:
        log.error(alert.line())
    return recorded
