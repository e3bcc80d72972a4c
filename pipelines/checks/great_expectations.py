"""Great Expectations suites (expectations/suites/*.json) run as blocking Dagster asset checks.

Each check reads its table from DuckDB into a DataFrame and validates it with a pandas
datasource; the result (counts, failed expectations, sample values) becomes check metadata.
A failing check blocks everything downstream of its asset.
"""

import dagster as dg

from expectations import runner

from ..assets.programme_records import RAW_RECORDS
from ..partitions import programme_record_files
from ..resources import WAREHOUSE_POOL, WarehouseResource

MART_SUITES = ("dim_programme", "dim_country", "fct_programme_actor", "fct_country_summary")


def _result(suite: str, df) -> dg.AssetCheckResult:
    result = runner.validate_dataframe(suite, df)
    return dg.AssetCheckResult(
        passed=result.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=result.describe(),
        metadata=result.to_metadata(),
    )


@dg.asset_check(
    asset=RAW_RECORDS,
    name="ge_raw_programme_records",
    partitions_def=programme_record_files,
    blocking=True,
    pool=WAREHOUSE_POOL,
    description="GE suite raw_programme_records on the rows this file loaded.",
)
def ge_raw_programme_records(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    table = runner.suite_table("raw_programme_records")
    with warehouse.connect(read_only=True) as con:
        df = runner.read_table(con, table, "_file_sha256 = ?", [context.partition_key])
    return _result("raw_programme_records", df)


def _mart_check(suite: str) -> dg.AssetChecksDefinition:
    table = runner.suite_table(suite)

    @dg.asset_check(
        asset=dg.AssetKey(table.split(".")),
        name=f"ge_{suite}",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=f"GE suite {suite} on {table}.",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            df = runner.read_table(con, table)
        return _result(suite, df)

    return _check


ge_mart_checks = [_mart_check(suite) for suite in MART_SUITES]
