"""A discarded delivery in the raw layer: its rows taken out, its file row saying so. The
decision itself is kept in the archive (`archive.record_decision`), so it outlives the
warehouse file: every ingest of the delivery (a retry, the sensor's retry, a rebuild from the
archive) applies it instead of loading the file."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from ..transactions import run_in_transaction
from .archive import Delivery
from .raw_schema import FILES_TABLE, RECORDS_TABLE, ensure_raw_schema

DISCARDED = "discarded"


def apply_discard(con: duckdb.DuckDBPyConnection, delivery: Delivery, reason: str) -> int:
    """Take the delivery's rows out of raw and record it as discarded (its quarantined rows
    stay, for the record); a delivery never loaded gets its file row. Idempotent. Returns
    how many rows were removed."""
    ensure_raw_schema(con)
    message = f"discarded by a data engineer: {reason}"
    removed = 0

    def discard() -> None:
        nonlocal removed
        (removed,) = con.execute(
            f"SELECT count(*) FROM {RECORDS_TABLE} WHERE _file_id = ?", [delivery.file_id]
        ).fetchone()
        con.execute(f"DELETE FROM {RECORDS_TABLE} WHERE _file_id = ?", [delivery.file_id])
        (known,) = con.execute(
            f"SELECT count(*) FROM {FILES_TABLE} WHERE file_id = ?", [delivery.file_id]
        ).fetchone()
        if known:
            con.execute(
                f"UPDATE {FILES_TABLE} SET status = ?, rows_loaded = 0, message = ? "
                "WHERE file_id = ?",
                [DISCARDED, message, delivery.file_id],
            )
        else:
            con.execute(
                f"""INSERT INTO {FILES_TABLE} BY NAME SELECT
                    ? AS file_id, ? AS file_sha256, ? AS file_name, ? AS organisation,
                    ? AS entry_path, ?::TIMESTAMPTZ AS delivered_at, ? AS size_bytes,
                    0 AS rows_read, 0 AS rows_loaded, 0 AS rows_quarantined,
                    []::VARCHAR[] AS columns_not_supplied, ? AS status, ? AS message,
                    ?::TIMESTAMPTZ AS loaded_at""",
                [
                    delivery.file_id,
                    delivery.sha256,
                    delivery.file_name,
                    delivery.organisation,
                    delivery.entry_path,
                    delivery.delivered_at,
                    delivery.size_bytes,
                    DISCARDED,
                    message,
                    datetime.now(UTC).isoformat(),
                ],
            )

    run_in_transaction(con, discard)
    return removed
