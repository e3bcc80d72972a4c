"""Cross-cutting automation policy: when downstream assets update on their own."""

import dagster as dg

# No upstream blocking check may be failing. all_deps_blocking_checks_passed() alone lets an
# unpartitioned asset through when *some* partition of a partitioned parent passed, so a failed
# check on one landed file would not hold back the warehouse; this term does.
NO_FAILED_BLOCKING_CHECK_UPSTREAM = ~dg.AutomationCondition.any_deps_match(
    dg.AutomationCondition.any_checks_match(
        dg.AutomationCondition.check_failed(), blocking_only=True
    )
).with_label("any_dep_blocking_check_failed")

# Update as soon as anything upstream updates (a new programme-records file, a new seed), but
# never past a failed blocking check upstream. Partitions of rejected files are materialised
# (their rows are quarantined), so "missing" upstream partitions are allowed.
WAREHOUSE_CONDITION = (
    dg.AutomationCondition.eager()
    .without(~dg.AutomationCondition.any_deps_missing())
    .with_label("eager_allow_missing")
    & dg.AutomationCondition.all_deps_blocking_checks_passed()
    & NO_FAILED_BLOCKING_CHECK_UPSTREAM
)


def build_automation_sensor(interval_seconds: int) -> dg.AutomationConditionSensorDefinition:
    return dg.AutomationConditionSensorDefinition(
        "warehouse_automation_sensor",
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=interval_seconds,
        description="Evaluates the automation conditions: rebuilds the dbt models downstream of "
        "new raw data, their checks and the published copy.",
    )
