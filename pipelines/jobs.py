"""Jobs: record the landing journal, ingest one delivered file (partitioned), and build the
warehouse from raw to published.

They are separate because a dynamically partitioned asset and unpartitioned ones cannot share a
run. All run their DuckDB steps in the single-slot warehouse pool."""

import dagster as dg

from .assets.landing import raw_landing_entries
from .assets.literature import raw_literature
from .assets.programme_records import raw_programme_records
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

load_literature = dg.define_asset_job(
    name="load_literature",
    selection=dg.AssetSelection.assets(raw_literature),
    description="Load the OpenAlex and ERIC page files of the raw store into raw.",
)

build_warehouse = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.assets(raw_programme_records, raw_landing_entries, raw_literature),
    description="dbt build into a candidate copy (seeds, models, tests), GE checks, then "
    "promote the candidate to the live file and publish.",
)
