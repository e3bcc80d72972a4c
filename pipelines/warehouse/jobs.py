"""The warehouse build: dbt into a candidate copy, GE checks, promote, publish."""

import dagster as dg

from .dbt_assets import warehouse_dbt_assets
from .publish import published_warehouse

PUBLISHES_TAG = "learning_teams/publishes"
"""On every job that builds into a candidate and publishes it (the build sensor waits for them)."""

build_warehouse = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.assets(warehouse_dbt_assets, published_warehouse),
    tags={PUBLISHES_TAG: "true"},
    description="dbt build into a candidate copy (seeds, models, tests), GE checks, then "
    "promote the candidate to the live file and publish.",
)
