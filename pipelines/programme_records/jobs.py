"""Jobs of the programme-records source: record the landing journal, ingest one delivered file
(partitioned), and ingest one file and publish what depends on it, in one run."""

import dagster as dg

from ..reports.assets import GROUP as REPORTS_GROUP
from ..warehouse.jobs import PUBLISHES_TAG
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

ingest_and_publish_programme_records = dg.define_asset_job(
    name="ingest_and_publish_programme_records",
    # The reports are not part of it: reports_after_publish draws them after the publish, as
    # after every build (in the run, they would be drawn twice and hold the run up meanwhile).
    selection=dg.AssetSelection.assets(raw_programme_records, raw_landing_entries).downstream()
    - dg.AssetSelection.groups(REPORTS_GROUP),
    partitions_def=programme_record_files,
    tags={PUBLISHES_TAG: "true"},
    description="The fast path for one new file when nothing else is running: load it and the "
    "landing journal, build the dbt assets that depend on them into a candidate, run their "
    "tests and GE checks, promote and publish, all in one run (one process start, one queue "
    "wait). Several new files at once take the batch path instead: an ingest run each, then "
    "one build_warehouse run.",
)
