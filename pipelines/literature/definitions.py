"""Everything Dagster knows about the literature source (OpenAlex and ERIC)."""

import dagster as dg

from .assets import raw_literature
from .jobs import load_literature


def build_defs() -> dg.Definitions:
    return dg.Definitions(assets=[raw_literature], jobs=[load_literature])
