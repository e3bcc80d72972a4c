"""The daily fallback for the catalogue sensor."""

import dagster as dg

from .jobs import load_sector_plan_catalogue

sector_plans_daily = dg.ScheduleDefinition(
    name="sector_plans_daily",
    job=load_sector_plan_catalogue,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily catalogue load at 05:00 UTC, whatever the sensor's poll says (fallback); "
    "the sensor then partitions any new plan.",
)
