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
PROGRAMME_RECORDS = "raw.programme_records"
MART_SOURCES = {
    "dim_programme": PROGRAMME_RECORDS,
    "fct_programme_actor": PROGRAMME_RECORDS,
    "fct_country_summary": PROGRAMME_RECORDS,
}
"""The raw table each mart's rows come from (dim_country comes from a seed: never empty). An
empty mart whose source has no rows is a warning (each source builds and publishes alone); a
mart of a source that has data gets the whole suite, blocking."""


def _result(suite: str, df) -> dg.AssetCheckResult:
    result = runner.validate_dataframe(suite, df)
    return dg.AssetCheckResult(
        passed=result.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=result.describe(),
        metadata=result.to_metadata(),
    )


def _is_empty(con, table: str) -> bool:
    return con.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]


def _empty_source(suite: str, table: str, source: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{table} is empty because {source} has no rows yet: suite {suite} not run "
            "(a warning: the other sources still publish; it runs, blocking, once data arrives)."
        ),
        metadata={"row_count": 0, "source": source, "source_rows": 0},
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
        # The run's candidate build when it made one (nothing is promoted before this passes);
        # on the lake its head, where the build wrote (nothing is published before this passes).
        run_id = context.op_execution_context.run_id
        path = None if warehouse.is_lake else warehouse.path_for_run(run_id)
        with warehouse.connect(read_only=True, path=path, log=context.log) as con:
            return evaluate_mart(con, suite)

    return _check


def evaluate_mart(con, suite: str) -> dg.AssetCheckResult:
    """The suite on its table: a warning when the table and its source are both empty, else the
    whole suite, blocking (ERROR severity)."""
    table = runner.suite_table(suite)
    df = runner.read_table(con, table)
    source = MART_SOURCES.get(suite)
    if source and df.empty and _is_empty(con, source):
        return _empty_source(suite, table, source)
    return _result(suite, df)


ge_mart_checks = [_mart_check(suite) for suite in MART_SUITES]
