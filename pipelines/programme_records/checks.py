"""Per-file warning when a landed file had rows quarantined (the rows are kept, with reasons)."""

import warnings

import dagster as dg

from sources.programme_records.raw_schema import FILES_TABLE, QUARANTINE_TABLE

from ..warehouse.resource import WarehouseResource, ingest_pool
from .assets import RAW_QUARANTINE
from .partitions import programme_record_files

# A check per delivered file (partitioned checks are a Dagster preview feature, used knowingly:
# the warning says nothing a user of this project can act on).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.PreviewWarning)

    @dg.asset_check(
        asset=RAW_QUARANTINE,
        name="file_fully_accepted",
        partitions_def=programme_record_files,
        pool=ingest_pool(),
        description="Warns when a file had rows quarantined; lists the rows and reasons.",
    )
    def file_fully_accepted(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        file_id = context.partition_key
        with warehouse.connect(read_only=True, log=context.log) as con:
            file_row = con.execute(
                f"SELECT file_name, status, rows_loaded, rows_quarantined FROM {FILES_TABLE} "
                "WHERE file_id = ?",
                [file_id],
            ).fetchone()
            rows = con.execute(
                f"SELECT _row_number, reason FROM {QUARANTINE_TABLE} WHERE _file_id = ? "
                "ORDER BY _row_number NULLS FIRST LIMIT 50",
                [file_id],
            ).fetchall()
        if file_row is None:
            return dg.AssetCheckResult(passed=False, description=f"file {file_id} was never loaded")
        file_name, status, loaded, quarantined = file_row
        return dg.AssetCheckResult(
            passed=quarantined == 0,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{file_name}: {status}, {loaded} rows loaded, {quarantined} quarantined",
            metadata={
                "file_name": file_name,
                "rows_loaded": loaded,
                "rows_quarantined": quarantined,
                "quarantined_rows": dg.MetadataValue.md(
                    "\n".join(
                        f"- {'whole file' if row is None else f'row {row}'}: {reason}"
                        for row, reason in rows
                    )
                    or "none"
                ),
            },
        )
