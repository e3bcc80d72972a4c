"""Jobs and schedule of the World Bank source. The schedule starts STOPPED: it needs the network."""

import os

import dagster as dg

from ..operations.live_sources import schedule_status
from .assets import raw_worldbank_bulk_csv, raw_worldbank_economies, raw_worldbank_indicator
from .partitions import worldbank_indicators

load_worldbank_economies = dg.define_asset_job(
    name="load_worldbank_economies",
    selection=dg.AssetSelection.assets(raw_worldbank_economies),
    description="Refresh the World Bank country metadata (economies and aggregates).",
)

load_worldbank_indicator = dg.define_asset_job(
    name="load_worldbank_indicator",
    selection=dg.AssetSelection.assets(raw_worldbank_indicator),
    partitions_def=worldbank_indicators,
    description="Load one World Bank indicator (partition = its code) from the API, "
    "incrementally (full refresh: ops.raw_worldbank_indicator.config.full_refresh = true).",
)

load_worldbank_bulk_csv = dg.define_asset_job(
    name="load_worldbank_bulk_csv",
    selection=dg.AssetSelection.assets(raw_worldbank_bulk_csv),
    description="Load the WDI bulk CSV files of LT_WORLDBANK_BULK_DIR not loaded yet.",
)


def worldbank_schedule() -> dg.ScheduleDefinition:
    """Weekly by default (LT_WORLDBANK_CRON): one run per indicator; an unchanged indicator
    costs one one-row request. Stopped unless LT_LIVE_SOURCES=on (it needs the network)."""

    @dg.schedule(
        name="worldbank_weekly",
        job=load_worldbank_indicator,
        cron_schedule=os.environ.get("LT_WORLDBANK_CRON") or "0 6 * * 1",
        execution_timezone="UTC",
        default_status=schedule_status(),
        description="Load every configured World Bank indicator whose lastupdated changed "
        "(one run per indicator). Stopped unless LT_LIVE_SOURCES=on: it needs the network.",
    )
    def worldbank_weekly(context: dg.ScheduleEvaluationContext):
        stamp = context.scheduled_execution_time.strftime("%Y%m%dT%H%M")
        return [
            dg.RunRequest(run_key=f"{code}@{stamp}", partition_key=code)
            for code in worldbank_indicators.get_partition_keys()
        ]

    return worldbank_weekly
