"""Jobs and schedule of the literature source."""

import dagster as dg

from ..operations.live_sources import schedule_status
from .assets import raw_literature
from .harvest import HARVEST_OP, harvest_cron, harvest_literature_pages

load_literature = dg.define_asset_job(
    name="load_literature",
    selection=dg.AssetSelection.assets(raw_literature),
    description="Load the OpenAlex and ERIC page files of the raw store into raw.",
)

harvest_literature_job = dg.define_asset_job(
    name="harvest_literature",
    selection=dg.AssetSelection.assets(harvest_literature_pages, raw_literature),
    description="Fetch what changed for every literature query (incremental; full refresh: "
    f"ops.{HARVEST_OP}.config.full_refresh = true), then load the new page files into raw.",
)


def harvest_schedule() -> dg.ScheduleDefinition:
    """Daily (LT_LITERATURE_HARVEST_CRON, default 05:00 UTC); stopped unless
    LT_LIVE_SOURCES=on (it calls OpenAlex and ERIC)."""
    return dg.ScheduleDefinition(
        name="literature_daily_harvest",
        job=harvest_literature_job,
        cron_schedule=harvest_cron(),
        execution_timezone="UTC",
        default_status=schedule_status(),
        description="Incremental literature harvest: each query fetches only what changed "
        "since its last complete run, or resumes where a stopped run left off.",
    )
