"""Publish the warehouse for analysts and BI: a read-only copy of the DuckDB file and Parquet
exports of every mart. Readers use these, never the live file, which a run may hold locked."""

import shutil
from pathlib import Path

import dagster as dg

from ..settings import WAREHOUSE_FILE_NAME
from .candidate import promote_candidate
from .dbt_assets import warehouse_dbt_assets
from .resource import WAREHOUSE_POOL, WarehouseResource

MART_KEYS = sorted(
    (key for key in warehouse_dbt_assets.keys if key.path[0] == "marts"),
    key=lambda k: k.to_user_string(),
)


@dg.asset(
    key=["published", "warehouse"],
    deps=MART_KEYS,
    group_name="published",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "parquet"},
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Promote this run's candidate build to the live file (it only runs when every blocking
    check passed), then copy the live file to the publish folder as learning_teams.duckdb
    (atomic replace) and export each mart to parquet/(mart).parquet there."""
    promote_candidate(context, warehouse)
    source = Path(warehouse.database_path)
    target_dir = Path(warehouse.publish_dir)
    parquet_dir = target_dir / "parquet"
    parquet_dir.mkdir(parents=True, exist_ok=True)
    with warehouse.connect(log=context.log) as con:
        con.execute("CHECKPOINT")
        marts = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        for mart in marts:
            tmp = parquet_dir / f".{mart}.parquet.tmp"
            con.execute(f"COPY marts.{mart} TO '{tmp}' (FORMAT parquet)")
            tmp.replace(parquet_dir / f"{mart}.parquet")
        counts = {
            mart: con.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] for mart in marts
        }
    # The connection is closed, so the file is complete on disk; copy then rename atomically.
    target = target_dir / WAREHOUSE_FILE_NAME
    tmp = target_dir / f".{WAREHOUSE_FILE_NAME}.tmp"
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    context.log.info(f"published {target} and {len(marts)} Parquet files in {parquet_dir}")
    return dg.MaterializeResult(
        metadata={
            "published_path": dg.MetadataValue.path(str(target)),
            "parquet_dir": dg.MetadataValue.path(str(parquet_dir)),
            "mart_row_counts": counts,
        }
    )
