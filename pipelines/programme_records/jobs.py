"""Jobs of the programme-records source: record the landing journal, and ingest one delivered
file (partitioned). Separate from the warehouse build because a dynamically partitioned asset and
unpartitioned ones cannot share a run."""

import dagster as dg

from .assets import raw_programme_records
from .landing import raw_landing_entries
from .partitions import programme_record_files

ingest_programme_records = dg.define_asset_job(
    name="ingest_programme_records",
    selection=dg.AssetSelection.assets(raw_programme_records),
    partitions_def=programme_record_files,
    description="Load one delivered programme-records file (partition = "
    "<organisation>/<file>@<hash>) into raw: write, audit, publish.",
)

record_landing_entries = dg.define_asset_job(
    name="record_landing_entries",
    selection=dg.AssetSelection.assets(raw_landing_entries),
    description="Load the landing journal (every entry seen, with its outcome) into raw.",
)
