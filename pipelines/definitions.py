"""The one Definitions object of the project: loads the small modules and applies policy.

`build_definitions(settings)` lets tests point every path at a temporary folder; `defs` is the
object Dagster loads (`[tool.dagster] module_name` in pyproject.toml), configured from the
environment.
"""

import dagster as dg

from .assets.dbt_warehouse import warehouse_dbt_assets
from .assets.landing import landing_folder, raw_landing_entries
from .assets.literature import raw_literature
from .assets.programme_records import raw_programme_records
from .assets.publish import published_warehouse
from .automation import automation_sensor
from .checks.great_expectations import ge_mart_checks
from .checks.landing import file_fully_accepted
from .jobs import (
    build_warehouse,
    ingest_programme_records,
    load_literature,
    record_landing_entries,
)
from .resources import build_resources
from .sensors.landing import build_landing_sensor
from .settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            landing_folder,
            raw_landing_entries,
            raw_programme_records,
            raw_literature,
            warehouse_dbt_assets,
            published_warehouse,
        ],
        asset_checks=[file_fully_accepted, *ge_mart_checks],
        jobs=[ingest_programme_records, record_landing_entries, load_literature, build_warehouse],
        sensors=[build_landing_sensor(settings.sensor_interval_seconds), automation_sensor],
        resources=build_resources(settings),
        # Steps of a run share one process: DuckDB work is serialised by the pool anyway, and
        # this saves a Python start-up (and a pool re-poll) per step.
        executor=dg.in_process_executor,
    )


defs = build_definitions(Settings.from_env())
