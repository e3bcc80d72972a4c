"""Jobs of the literature source."""

import dagster as dg

from .assets import raw_literature

load_literature = dg.define_asset_job(
    name="load_literature",
    selection=dg.AssetSelection.assets(raw_literature),
    description="Load the OpenAlex and ERIC page files of the raw store into raw.",
)
