"""The dbt project as Dagster assets: seeds, staging, intermediate, snapshot and marts."""

import os
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ..settings import DBT_PROJECT_DIR
from .automation import WAREHOUSE_CONDITION
from .candidate import prepare_candidate
from .resource import WAREHOUSE_POOL, WarehouseResource

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt on load; elsewhere `pipelines.cli prepare` (run by
# `make run`/`make ui`) or the test session builds it. dbt never runs at import otherwise.
dbt_project.prepare_if_dev()


class WarehouseTranslator(DagsterDbtTranslator):
    """Asset keys follow the DuckDB schema: raw/<table> for sources, <schema>/<name> otherwise."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]):
        return WAREHOUSE_CONDITION


translator = WarehouseTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_code_references=False)
)


@contextmanager
def _env(**values: str):
    """Set environment variables for the dbt subprocess (it inherits os.environ)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """`dbt build` of the selected seeds, models and their tests (one thread) into this run's
    candidate: a copy of the live file. The live file changes only when the publish step
    promotes the candidate, after every blocking check passed."""
    candidate = prepare_candidate(context, warehouse)
    with _env(LT_WAREHOUSE_PATH=str(candidate), DO_NOT_TRACK="1"):
        yield from dbt.cli(["build"], context=context).stream()
