"""The one Definitions object of the project: merges each source's folder
(`pipelines/<source>/definitions.py`) and the shared warehouse stage, then applies the
cross-cutting policy (resources, executor).

`build_definitions(settings)` lets tests point every path at a temporary folder; `defs` is the
object Dagster loads (`[tool.dagster] module_name` in pyproject.toml), configured from the
environment.
"""

import dagster as dg

from .resources import build_resources
from .settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    from .literature.definitions import build_defs as literature_defs
    from .programme_records.definitions import build_defs as programme_records_defs
    from .sector_plans.definitions import build_defs as sector_plans_defs
    from .theme_reviews.definitions import build_defs as theme_reviews_defs
    from .warehouse.definitions import build_defs as warehouse_defs

    return dg.Definitions.merge(
        programme_records_defs(settings.sensor_interval_seconds),
        literature_defs(),
        sector_plans_defs(settings.plans_sensor_interval_seconds),
        theme_reviews_defs(settings.sensor_interval_seconds),
        warehouse_defs(settings.automation_interval_seconds),
        dg.Definitions(
            resources=build_resources(settings),
            # Steps of a run share one process: DuckDB work is serialised by the pool anyway,
            # and this saves a Python start-up (and a pool re-poll) per step.
            executor=dg.in_process_executor,
        ),
    )


defs = build_definitions(Settings.from_env())
