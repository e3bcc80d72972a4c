"""The one Definitions object of the project: merges each source's folder
(`pipelines/<source>/definitions.py`) and the shared warehouse stage, then applies the
cross-cutting policy (resources, executor, freshness per source: pipelines/operations/).

`build_definitions(settings)` lets tests point every path at a temporary folder; `defs` is the
object Dagster loads (`[tool.dagster] module_name` in pyproject.toml), configured from the
environment.
"""

import dagster as dg

from .resources import build_resources
from .settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    from .literature.definitions import build_defs as literature_defs
    from .operations.freshness import apply_freshness
    from .operations.sensors import build_defs as operations_defs
    from .programme_records.definitions import build_defs as programme_records_defs
    from .reports.definitions import build_defs as reports_defs
    from .sector_plans.definitions import build_defs as sector_plans_defs
    from .theme_reviews.definitions import build_defs as theme_reviews_defs
    from .warehouse.definitions import build_defs as warehouse_defs
    from .worldbank.definitions import build_defs as worldbank_defs

    merged = dg.Definitions.merge(
        programme_records_defs(settings.sensor_interval_seconds),
        literature_defs(),
        sector_plans_defs(settings.plans_sensor_interval_seconds),
        worldbank_defs(),
        theme_reviews_defs(settings.sensor_interval_seconds),
        warehouse_defs(settings.automation_interval_seconds),
        reports_defs(),
        operations_defs(),
        dg.Definitions(
            resources=build_resources(settings),
            # Steps of a run share one process: DuckDB work is serialised by the pool anyway,
            # and this saves a Python start-up (and a pool re-poll) per step.
            executor=dg.in_process_executor,
        ),
    )
    # After the merge, so a source added in its own folder is covered by its group or prefix.
    return apply_freshness(merged)


defs = build_definitions(Settings.from_env())
