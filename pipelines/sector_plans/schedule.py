"""The daily fallback for the catalogue sensor."""

import dagster as dg

from ..operations.live_sources import schedule_status
from .jobs import load_sector_plan_catalogue


def build_daily_schedule() -> dg.ScheduleDefinition:
    """Stopped unless LT_LIVE_SOURCES=on (it calls Planipolis)."""
    return dg.ScheduleDefinition(
        name="sector_plans_daily",
        job=load_sector_plan_catalogue,
        cron_schedule="0 5 * * *",
        execution_timezone="UTC",
        default_status=schedule_status(),
        description="Daily catalogue load at 05:00 UTC, whatever the sensor's poll says "
        "(fallback); the sensor then partitions any new plan.",
    )
