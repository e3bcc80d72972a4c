"""Jobs of the sector-plans source: load the catalogue, and load one plan (partitioned).
Separate because a dynamically partitioned asset and an unpartitioned one cannot share a run."""

import dagster as dg

from .assets import raw_sector_plan, raw_sector_plan_documents
from .partitions import sector_plans

load_sector_plan_catalogue = dg.define_asset_job(
    name="load_sector_plan_catalogue",
    selection=dg.AssetSelection.assets(raw_sector_plan_documents),
    description="Load the Planipolis catalogue (scraped listing and plan pages, or the export "
    "file) into raw.sector_plan_documents.",
)

load_sector_plan = dg.define_asset_job(
    name="load_sector_plan",
    selection=dg.AssetSelection.assets(raw_sector_plan),
    partitions_def=sector_plans,
    description="Load one plan (partition = <ISO3>/<slug>): download its documents, extract "
    "their pages, audit, publish.",
)
