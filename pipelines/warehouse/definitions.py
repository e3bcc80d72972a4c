"""The shared warehouse stage: dbt build into a candidate, GE mart checks, promote and publish,
and the automation that triggers it when any source lands new raw data."""

import dagster as dg

from .automation import build_automation_sensor
from .dbt_assets import warehouse_dbt_assets
from .jobs import build_warehouse
from .mart_checks import ge_mart_checks
from .publish import published_warehouse


def build_defs(automation_interval_seconds: int) -> dg.Definitions:
    return dg.Definitions(
        assets=[warehouse_dbt_assets, published_warehouse],
        asset_checks=[*ge_mart_checks],
        jobs=[build_warehouse],
        sensors=[build_automation_sensor(automation_interval_seconds)],
    )
