"""Publish the warehouse for analysts and BI: a DuckDB file holding what readers need (the marts
and the reference data, with their table and column descriptions and constraints) and Parquet
exports of every mart. Readers use these, never the live file, which a run may hold locked.

The published file is written new beside the old one and renamed over it: a reader holding the
old one open (even read-write) keeps reading the old inode and never delays the run. Raw
submitted rows, the quarantine, staging and intermediate views are not published: they stay in
the live file (submitted bytes, including any a hostile submitter slipped in, are not for BI).
"""

import os
from pathlib import Path

import dagster as dg

from ..settings import WAREHOUSE_FILE_NAME
from . import lake
from .build_inputs import record_published_inputs, recorded_inputs
from .candidate import promote_candidate
from .dbt_assets import warehouse_dbt_assets
from .resource import WAREHOUSE_POOL, WarehouseResource

PUBLISHED_SCHEMAS = ("marts", "reference")
"""What readers need: the marts and the reference data (dbt seeds)."""
PUBLISHING_ALIAS = "publishing"

MART_KEYS = sorted(
    (key for key in warehouse_dbt_assets.keys if key.path[0] == "marts"),
    key=lambda k: k.to_user_string(),
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_published_copy(con, target: Path) -> dict[str, int]:
    """Write the tables of `PUBLISHED_SCHEMAS` of the connection's database, with their
    constraints and descriptions, into a new DuckDB file beside `target`, then rename it over
    `target` (atomic). Returns `{schema.table: rows}`."""
    tmp = target.with_name(f".{target.name}.tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    source = con.execute("SELECT current_database()").fetchone()[0]
    tables = con.execute(
        "SELECT schema_name, table_name, sql, comment FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name IN "
        f"({', '.join(_quote(s) for s in PUBLISHED_SCHEMAS)}) ORDER BY 1, 2"
    ).fetchall()
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND comment IS NOT NULL "
        f"AND schema_name IN ({', '.join(_quote(s) for s in PUBLISHED_SCHEMAS)})"
    ).fetchall()
    counts = {}
    con.execute(f"ATTACH {_quote(str(tmp))} AS {PUBLISHING_ALIAS}")
    try:
        con.execute(f"USE {PUBLISHING_ALIAS}")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for schema, table, create_sql, comment in tables:
            name = f'"{schema}"."{table}"'
            con.execute(create_sql)  # with its constraints (the marts' enforced contracts)
            con.execute(f'INSERT INTO {name} SELECT * FROM "{source}".{name}')
            if comment:
                con.execute(f"COMMENT ON TABLE {name} IS {_quote(comment)}")
            counts[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        for schema, table, column, comment in columns:
            con.execute(f'COMMENT ON COLUMN "{schema}"."{table}"."{column}" IS {_quote(comment)}')
        con.execute(f"USE {source}")
        con.execute(f"DETACH {PUBLISHING_ALIAS}")
    except BaseException:
        con.execute(f"USE {source}")
        con.execute(f"DETACH DATABASE IF EXISTS {PUBLISHING_ALIAS}")
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(target)
    return counts


@dg.asset(
    key=["published", "warehouse"],
    deps=MART_KEYS,
    group_name="published",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "parquet"},
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Promote this run's candidate build to the live file (it only runs when every blocking
    check passed), then write the published copy (the marts and reference data, new file
    renamed over the old) and export each mart to parquet/(mart).parquet there.

    On the lake (LT_WAREHOUSE_BACKEND=lake): record the snapshot this run's dbt build ended at
    as the published one (readers attach there), then write the same copy and Parquet files
    from that snapshot, for the BI tools and reports that read them."""
    target_dir = Path(warehouse.publish_dir)
    target = target_dir / WAREHOUSE_FILE_NAME
    metadata = {}
    if warehouse.is_lake:
        snapshot = _publish_lake_snapshot(context, warehouse)
        con = lake.connect(warehouse.lake_settings(), published=True)
        try:
            marts, written = _export(con, target_dir)
        finally:
            con.close()
        metadata["lake_snapshot"] = snapshot
    else:
        promote_candidate(context, warehouse)
        with warehouse.connect(log=context.log) as con:
            con.execute("CHECKPOINT")
            marts, written = _export(con, target_dir)
            inputs = recorded_inputs(con)
        record_published_inputs(target, inputs)
    counts = {name.split(".", 1)[1]: n for name, n in written.items() if name.startswith("marts.")}
    parquet_dir = target_dir / "parquet"
    context.log.info(f"published {target} and {len(marts)} Parquet files in {parquet_dir}")
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "published_path": dg.MetadataValue.path(str(target)),
            "parquet_dir": dg.MetadataValue.path(str(parquet_dir)),
            "mart_row_counts": counts,
        }
    )


def _export(con, target_dir: Path) -> tuple[list[str], dict[str, int]]:
    """Each mart of the connection's database to parquet/<mart>.parquet, then the published
    copy. Returns the marts and `write_published_copy`'s counts."""
    parquet_dir = target_dir / "parquet"
    parquet_dir.mkdir(parents=True, exist_ok=True)
    marts = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
            "AND database_name = current_database() ORDER BY 1"
        ).fetchall()
    ]
    for mart in marts:
        tmp = parquet_dir / f".{mart}.parquet.tmp"
        con.execute(f"COPY marts.{mart} TO '{tmp}' (FORMAT parquet)")
        tmp.replace(parquet_dir / f"{mart}.parquet")
    return marts, write_published_copy(con, target_dir / WAREHOUSE_FILE_NAME)


def _publish_lake_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> int:
    """Record the snapshot this run's dbt build ended at (its run tag; the head when the run
    built nothing) as the lake's published snapshot."""
    run = context.instance.get_run_by_id(context.run_id)
    with warehouse.connect(log=context.log) as con:
        tagged = run.tags.get(lake.SNAPSHOT_TAG)
        snapshot = int(tagged) if tagged else lake.current_snapshot(con)
        lake.publish(con, snapshot, note=f"dagster run {context.run_id}")
    context.log.info(f"published lake snapshot {snapshot}")
    return snapshot
