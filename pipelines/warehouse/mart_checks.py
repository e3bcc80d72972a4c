"""Great Expectations suites (expectations/suites/*.json) run as blocking Dagster asset checks.

Each check reads its table from the run's candidate build into a DataFrame and validates it
with a pandas datasource; the result (counts, failed expectations, sample values) becomes check
metadata. A failing check blocks everything downstream of its asset, so the candidate is never
promoted. The raw suite runs inline in the ingest asset (write-audit-publish).
"""

import dagster as dg

from expectations import runner

from .resource import WAREHOUSE_POOL, WarehouseResource

MART_SUITES = ("dim_programme", "dim_country", "fct_programme_actor", "fct_country_summary")


def _result(suite: str, df) -> dg.AssetCheckResult:
    result = runner.validate_dataframe(suite, df)
    return dg.AssetCheckResult(
        passed=result.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=result.describe(),
        metadata=result.to_metadata(),
    )


def _mart_check(suite: str) -> dg.AssetChecksDefinition:
    table = runner.suite_table(suite)

    @dg.asset_check(
        asset=dg.AssetKey(table.split(".")),
        name=f"ge_{suite}",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=f"GE suite {suite} on {table}.",
    )
    def _check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        # The run's candidate build when it made one (nothing is promoted before this passes).
        path = warehouse.path_for_run(context.op_execution_context.run_id)
        with warehouse.connect(read_only=True, path=path, log=context.log) as con:
            df = runner.read_table(con, table)
        return _result(suite, df)

    return _check


ge_mart_checks = [_mart_check(suite) for suite in MART_SUITES]
