"""Everything Dagster knows about the literature source (OpenAlex and ERIC)."""

import dagster as dg

from .assets import raw_literature
from .harvest import harvest_literature_pages
from .jobs import harvest_literature_job, harvest_schedule, load_literature


def build_defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[harvest_literature_pages, raw_literature],
        jobs=[load_literature, harvest_literature_job],
        schedules=[harvest_schedule()],
    )
