"""Jobs: ingest one landed file (partitioned), and build the warehouse from raw to published.

They are separate because a dynamically partitioned asset and unpartitioned ones cannot share a
run. Both run their DuckDB steps in the single-slot warehouse pool."""

import dagster as dg

from .assets.programme_records import raw_programme_records
from .partitions import programme_record_files

ingest_programme_records = dg.define_asset_job(
    name="ingest_programme_records",
    selection=dg.AssetSelection.assets(raw_programme_records),
    partitions_def=programme_record_files,
    description="Load one landed programme-records file (partition = content hash) into raw.",
)

build_warehouse = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(raw_programme_records),
    description="dbt build (seeds, models, snapshot, tests), GE checks, then publish.",
)
