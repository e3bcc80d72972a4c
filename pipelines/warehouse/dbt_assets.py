"""The dbt project as Dagster assets: seeds, staging, intermediate, snapshot and marts."""

import json
import os
from collections.abc import Mapping
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ..make_run import progress
from ..settings import DBT_PROJECT_DIR, Settings
from . import lake
from .build_inputs import (
    COVERS_TAG,
    PROJECT_INPUT,
    covered_inputs,
    covered_storage_ids,
    manifest_is_stale,
    project_fingerprint,
    raw_fingerprints,
    record_inputs,
    recorded_inputs,
)
from .candidate import activate, dbt_env, dbt_state_dir, keep_dbt_state, prepare_candidate
from .raw_schemas import ensure_raw_schemas
from .resource import WAREHOUSE_POOL, WarehouseResource
from .table_metadata import with_table_metadata

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)


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


# Under `dagster dev` the manifest is rebuilt on load; elsewhere `pipelines.cli prepare` (run by
# `make run`/`make ui`) or the test session builds it. dbt never runs at import otherwise.
# Only when a project file is newer than the manifest: every run `dagster dev` launches imports
# these definitions again, and a parse per run would sit on the path from a dropped file to the
# marts.
if manifest_is_stale(dbt_project.project_dir):
    with _env(**dbt_env(Settings.from_env().builds_dir)):
        dbt_project.prepare_if_dev()


class WarehouseTranslator(DagsterDbtTranslator):
    """Asset keys follow the DuckDB schema: raw/<table> for sources, <schema>/<name> otherwise."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


translator = WarehouseTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_code_references=False)
)


def _record_build_inputs(context: dg.AssetExecutionContext, candidate) -> tuple[list[str], bool]:
    """Record in the candidate the fingerprints of the inputs this build brings up to date.
    Returns them, and whether the dbt project is the one the last full build was made (and
    unit-tested) with."""
    import duckdb

    selected = set(context.selected_asset_keys)
    with duckdb.connect(str(candidate)) as con:
        now = raw_fingerprints(con)
        covered = covered_inputs(warehouse_dbt_assets.asset_deps, selected, now)
        now[PROJECT_INPUT] = project_fingerprint()
        project_tested = recorded_inputs(con).get(PROJECT_INPUT) == now[PROJECT_INPUT]
        record_inputs(con, {name: now[name] for name in covered})
    return covered, project_tested


def _build_args(context: dg.AssetExecutionContext, project_tested: bool) -> list[str]:
    """`dbt build`, without the unit tests when the project's SQL is what the last full build
    already unit-tested: they test the SQL with fixed inputs, not the data, so a build for new
    data would only repeat them."""
    if not project_tested:
        return ["build"]
    context.log.info("unit tests skipped: the dbt project is unchanged since they last passed")
    return ["build", "--exclude-resource-type", "unit_test"]


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
    promotes the candidate, after every blocking check passed.

    dbt's per-node output goes to `<log dir>/dbt/<run id>.log`. Test results are yielded as they
    come; materialisations when dbt has finished (DuckDB lets no other connection in while dbt
    writes), each with its relation's row count and column types read from the candidate.

    On the lake (LT_WAREHOUSE_BACKEND=lake) there is no candidate: see `_build_on_lake`."""
    if warehouse.is_lake:
        yield from _build_on_lake(context, dbt, warehouse)
        return
    candidate = prepare_candidate(context, warehouse)
    covered, project_tested = _record_build_inputs(context, candidate)
    run = context.instance.get_run_by_id(context.run_id)
    if COVERS_TAG not in run.tags:  # a retried step reuses the candidate copied the first time
        # Still holding the writer pool: every raw write recorded so far is in the candidate.
        covers = covered_storage_ids(context.instance, covered)
        context.instance.add_run_tags(context.run_id, {COVERS_TAG: json.dumps(covers)})
    activate(candidate)
    builds = candidate.parent.parent
    state = dbt_state_dir(builds, dbt_project.project_dir / dbt_project.target_path)
    held = []  # materialisations, enriched below once dbt has let go of the file
    failure = yield from _stream_dbt(
        context, dbt, warehouse, _build_args(context, project_tested), dbt_env(builds), state, held
    )
    yield from with_table_metadata(context, held, candidate)
    if failure is not None:
        raise failure


def _stream_dbt(context, dbt, warehouse, args, env, state, held=None):
    """`dbt <args>` with `env` and its parse state in `state` (kept for the next command), its
    per-node output in `<log dir>/dbt/<run id>.log`, its progress shown. Yields dbt's events
    (materialisations go to `held` instead, when given); returns the Failure to raise when dbt
    failed, else None."""
    log_file = warehouse.log_path / "dbt" / f"{context.run_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    total = len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
    with (
        _env(**env, DBT_TARGET_PATH=str(state)),
        log_file.open("a", encoding="utf-8") as log,
        redirect_stdout(log),
    ):
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        for done, event in enumerate(invocation.stream(), start=1):
            progress.advance(done, total, "dbt nodes")
            if held is not None and isinstance(event, dg.Output | dg.AssetMaterialization):
                held.append(event)
            else:
                yield event
    context.log.info(f"dbt output: {log_file}")
    keep_dbt_state(invocation.target_path, state)
    error = invocation.get_error()
    if error is None:
        return None
    where = " on the lake (nothing published)" if warehouse.is_lake else ""
    return dg.Failure(
        description=f"dbt build failed{where}: {error}",
        metadata={"dbt_log": dg.MetadataValue.path(str(log_file))},
    )


def _build_on_lake(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse):
    """`dbt build` of the selection with the `lake` target, at the lake's head (write, audit:
    the dbt tests run there and the GE checks read the head after it). Readers stay on the
    published snapshot meanwhile; the publish step records the snapshot this build ended at
    (run tag LAKE_SNAPSHOT_TAG) only when every blocking check passed. Ingests keep committing
    beside it (no file to copy, no writer to wait for); builds stay one at a time (the pool)."""
    settings = warehouse.lake_settings()
    run = context.instance.get_run_by_id(context.run_id)
    with warehouse.connect(log=context.log) as con:
        ensure_raw_schemas(con)  # a source that has loaded nothing yet: its tables, empty
        raw_tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' "
                "AND database_name = current_database()"
            ).fetchall()
        ]
    if COVERS_TAG not in run.tags:  # the raw writes committed before dbt reads them
        covered = covered_inputs(
            warehouse_dbt_assets.asset_deps, set(context.selected_asset_keys), raw_tables
        )
        covers = covered_storage_ids(context.instance, covered)
        context.instance.add_run_tags(context.run_id, {COVERS_TAG: json.dumps(covers)})
    builds = Path(warehouse.builds_dir) if warehouse.builds_dir else warehouse.live_path.parent
    # Its own parse state: the profile (the lake target) differs from the candidate builds'.
    state = dbt_state_dir(builds / "lake", dbt_project.project_dir / dbt_project.target_path)
    env = {**settings.dbt_env(), "DO_NOT_TRACK": "1"}
    failure = yield from _stream_dbt(context, dbt, warehouse, ["build"], env, state)
    if failure is not None:
        raise failure
    with warehouse.connect(read_only=True, log=context.log) as con:
        snapshot = lake.current_snapshot(con)
    context.instance.add_run_tags(context.run_id, {lake.SNAPSHOT_TAG: str(snapshot)})
    context.log.info(f"built on the lake up to snapshot {snapshot} (published after the checks)")
