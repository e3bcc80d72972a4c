"""The landing folder as the first node of the lineage, and the landing journal in raw."""

import dagster as dg

from sources.programme_records.archive import journal_path
from sources.programme_records.raw_schema import ENTRIES_TABLE, ensure_raw_schema

from ..warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from .resources import LandingResource

LANDING = dg.AssetKey(["landing", "programme_records"])
RAW_ENTRIES = dg.AssetKey(["raw", "landing_entries"])

landing_folder = dg.AssetSpec(
    LANDING,
    description="The folder organisations deliver programme-records files into "
    "(`LT_LANDING_DIR/<organisation>/<file>`); watched by programme_records_landing_sensor. "
    "A delivered file is moved out once journalled and archived.",
    group_name="landing",
    kinds={"folder"},
)


@dg.asset(
    key=RAW_ENTRIES,
    deps=[LANDING],
    group_name="raw",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
)
def raw_landing_entries(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
) -> dg.MaterializeResult:
    """Every entry ever seen in the landing folder with what became of it at the landing step
    (to_load, duplicate, ignored, rejected, with the reason), from the landing journal in the
    archive. Reloaded whole (the journal is the source of truth)."""
    journal = journal_path(landing.archive_path)
    with warehouse.connect(log=context.log) as con:
        ensure_raw_schema(con)
        con.execute("BEGIN TRANSACTION")
        con.execute(f"DELETE FROM {ENTRIES_TABLE}")
        if journal.is_file():
            con.execute(
                f"""INSERT INTO {ENTRIES_TABLE} BY NAME
                SELECT * FROM read_json(?, format='newline_delimited', columns={{
                    entry_path: 'VARCHAR', organisation: 'VARCHAR', entry_type: 'VARCHAR',
                    size_bytes: 'BIGINT', modified_at: 'TIMESTAMPTZ', sha256: 'VARCHAR',
                    seen_at: 'TIMESTAMPTZ', outcome: 'VARCHAR', reason: 'VARCHAR',
                    duplicate_of: 'VARCHAR', file_id: 'VARCHAR'}}, ignore_errors=true)
                WHERE entry_path IS NOT NULL  -- a line torn by a crash mid-write
                QUALIFY row_number() OVER (
                    PARTITION BY entry_path, entry_type, size_bytes, modified_at
                    ORDER BY seen_at) = 1""",
                [str(journal)],
            )
        con.execute("COMMIT")
        counts = dict(
            con.execute(f"SELECT outcome, count(*) FROM {ENTRIES_TABLE} GROUP BY 1").fetchall()
        )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(counts.values()),
            "entries_by_outcome": counts,
            "journal": dg.MetadataValue.path(str(journal)),
        }
    )
