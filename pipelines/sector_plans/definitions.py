"""Everything Dagster knows about the sector-plans source (IIEP-UNESCO Planipolis): the
catalogue, one partition per plan, the audit, jobs, the catalogue sensor and the daily
schedule."""

import dagster as dg

from .assets import planipolis_catalogue, raw_sector_plan, raw_sector_plan_documents
from .jobs import load_sector_plan, load_sector_plan_catalogue
from .schedule import build_daily_schedule
from .sensor import build_catalogue_sensor


def build_defs(sensor_interval_seconds: int) -> dg.Definitions:
    return dg.Definitions(
        assets=[planipolis_catalogue, raw_sector_plan_documents, raw_sector_plan],
        jobs=[load_sector_plan_catalogue, load_sector_plan],
        sensors=[build_catalogue_sensor(sensor_interval_seconds)],
        schedules=[build_daily_schedule()],
    )
