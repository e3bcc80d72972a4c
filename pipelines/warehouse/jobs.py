"""The warehouse build: dbt into a candidate copy, GE checks, promote, publish."""

import dagster as dg

from .dbt_assets import warehouse_dbt_assets
from .publish import published_warehouse

build_warehouse = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.assets(warehouse_dbt_assets, published_warehouse),
    description="dbt build into a candidate copy (seeds, models, tests), GE checks, then "
    "promote the candidate to the live file and publish.",
)
