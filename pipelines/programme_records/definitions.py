"""Everything Dagster knows about the programme-records source: the landing folder, the journal,
the per-file ingest, its checks, jobs and sensor."""

import dagster as dg

from .assets import raw_programme_records
from .checks import file_fully_accepted
from .jobs import (
    ingest_and_publish_programme_records,
    ingest_programme_records,
    record_landing_entries,
)
from .landing import landing_folder, raw_landing_entries
from .sensor import build_landing_sensor


def build_defs(sensor_interval_seconds: int) -> dg.Definitions:
    return dg.Definitions(
        assets=[landing_folder, raw_landing_entries, raw_programme_records],
        asset_checks=[file_fully_accepted],
        jobs=[
            ingest_programme_records,
            record_landing_entries,
            ingest_and_publish_programme_records,
        ],
        sensors=[build_landing_sensor(sensor_interval_seconds)],
    )
