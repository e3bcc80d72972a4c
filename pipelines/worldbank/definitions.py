"""Everything Dagster knows about the World Bank source: the country metadata, one partition per
indicator, the bulk CSV files, their jobs and the (stopped) weekly schedule."""

import dagster as dg

from .assets import raw_worldbank_bulk_csv, raw_worldbank_economies, raw_worldbank_indicator
from .jobs import (
    load_worldbank_bulk_csv,
    load_worldbank_economies,
    load_worldbank_indicator,
    worldbank_schedule,
)


def build_defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[raw_worldbank_economies, raw_worldbank_indicator, raw_worldbank_bulk_csv],
        jobs=[load_worldbank_economies, load_worldbank_indicator, load_worldbank_bulk_csv],
        schedules=[worldbank_schedule()],
    )
