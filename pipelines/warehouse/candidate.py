"""Candidate builds: dbt builds into a copy of the live warehouse, and the copy replaces the live
file only after every blocking check on it passed (write-audit-publish for the marts).

A failing dbt test or GE suite therefore leaves the live file and the published copy exactly as
they were. Raw data that landed while the candidate was being built is carried over when it is
promoted, so nothing an ingest run wrote is lost.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from ..settings import WAREHOUSE_FILE_NAME
from .raw_schemas import ensure_raw_schemas
from .resource import WarehouseResource

LAKE_BUILD_REFUSED = (
    "LT_WAREHOUSE_BACKEND=lake: the lake has no candidate copy (dbt builds at its head and the "
    "publish step records its snapshot)"
)

SOURCE_SCHEMAS = ("raw",)
"""Schemas written by ingest steps, never by dbt: taken from the live file at promotion."""

ACTIVE = "active"
"""`<builds>/active` links to the folder of the candidate dbt is building."""
DBT_STATE = "dbt_state"
"""`<builds>/dbt_state`: dbt's target folder for builds (partial-parse state, one folder per
command). Per environment, because the profile (the builds path in it) is part of that state."""
PARTIAL_PARSE = "partial_parse.msgpack"
KEEP_INVOCATIONS = 3


def dbt_database_path(builds_dir: Path, file_name: str) -> Path:
    """The one path dbt is ever given: `<builds>/active/<file>`. dbt re-parses the whole project
    when the profile (its path included) changes, so a path per candidate would cost a full
    parse on every build; `activate` points the link at the candidate instead."""
    return builds_dir / ACTIVE / file_name


def dbt_env(builds_dir) -> dict[str, str]:
    """The environment every dbt command of a build gets (parse included, so partial parsing
    holds): the constant candidate path and telemetry off."""
    return {
        "LT_WAREHOUSE_PATH": str(dbt_database_path(Path(builds_dir), WAREHOUSE_FILE_NAME)),
        "DO_NOT_TRACK": "1",
    }


def activate(candidate: Path) -> Path:
    """Point `<builds>/active` at this candidate's folder (atomically); return dbt's path."""
    link = candidate.parent.parent / ACTIVE
    tmp = link.with_name(f".{ACTIVE}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(candidate.parent.name, tmp)
    os.replace(tmp, link)
    return link / candidate.name


def _clean_old_candidates(context, warehouse: WarehouseResource, keep: Path) -> None:
    builds = keep.parent.parent
    if not builds.is_dir():
        return
    for folder in builds.iterdir():
        if folder == keep.parent or folder.is_symlink() or not folder.is_dir():
            continue
        if folder.name == DBT_STATE:
            continue
        run = context.instance.get_run_by_id(folder.name)
        if run is None or run.is_finished:
            shutil.rmtree(folder, ignore_errors=True)


def prepare_candidate(context, warehouse: WarehouseResource) -> Path:
    """Copy the live file to this run's candidate path (once per run) and return the path."""
    if warehouse.is_lake:
        # The lake has no candidate (dbt_assets._build_on_lake); never copy a stale embedded
        # file, nor CHECKPOINT the lake (that runs its maintenance).
        raise dg.Failure(LAKE_BUILD_REFUSED, allow_retries=False)
    candidate = warehouse.candidate_path(context.run_id)
    _clean_old_candidates(context, warehouse, candidate)
    if candidate.exists():
        return candidate
    with warehouse.connect(log=context.log) as con:
        ensure_raw_schemas(con)  # a fresh warehouse has no raw tables before the first load
        con.execute("CHECKPOINT")  # everything in the main file, nothing left in the WAL
    candidate.parent.mkdir(parents=True, exist_ok=True)
    tmp = candidate.with_name(f".{candidate.name}.tmp")
    shutil.copyfile(warehouse.live_path, tmp)
    tmp.replace(candidate)
    context.log.info(f"building into candidate {candidate}")
    return candidate


def promote_candidate(context, warehouse: WarehouseResource) -> bool:
    """Replace the live file with this run's candidate, carrying over the source schemas from
    the live file. Returns False when the run built no candidate (nothing to promote)."""
    candidate = warehouse.candidate_path(context.run_id)
    if not candidate.exists():
        return False
    with warehouse.connect(log=context.log) as con:
        escaped = str(candidate).replace("'", "''")
        con.execute(f"ATTACH '{escaped}' AS candidate")
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name IN "
            f"({', '.join(repr(s) for s in SOURCE_SCHEMAS)})"
        ).fetchall()
        con.execute("BEGIN TRANSACTION")
        for schema, table in tables:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS candidate.{schema}")
            con.execute(
                f"CREATE OR REPLACE TABLE candidate.{schema}.{table} AS "
                f"SELECT * FROM {schema}.{table}"
            )
        con.execute("COMMIT")
        con.execute("DETACH candidate")
    os.replace(candidate, warehouse.live_path)
    shutil.rmtree(candidate.parent, ignore_errors=True)
    context.log.info(f"promoted candidate of run {context.run_id} to {warehouse.live_path}")
    return True


def dbt_state_dir(builds_dir: Path, project_target: Path) -> Path:
    """The dbt target folder for builds in this environment (`DBT_TARGET_PATH` of their dbt
    commands). dagster-dbt seeds each command's own folder from its `partial_parse.msgpack`;
    the first time, that is copied from the project's (written by `pipelines.cli prepare`)."""
    state = Path(builds_dir) / DBT_STATE
    state.mkdir(parents=True, exist_ok=True)
    seed = project_target / PARTIAL_PARSE
    if not (state / PARTIAL_PARSE).exists() and seed.exists():
        _copy_atomically(seed, state / PARTIAL_PARSE)
    return state


def keep_dbt_state(invocation_target: Path, state: Path) -> None:
    """After a dbt command: its parse state becomes the one the next command starts from (so
    it parses only what changed), and only the last few command folders are kept."""
    fresh = Path(invocation_target) / PARTIAL_PARSE
    if fresh.exists():
        _copy_atomically(fresh, state / PARTIAL_PARSE)
    folders = sorted(
        (f for f in state.iterdir() if f.is_dir()), key=lambda f: f.stat().st_mtime, reverse=True
    )
    for old in folders[KEEP_INVOCATIONS:]:
        shutil.rmtree(old, ignore_errors=True)


def _copy_atomically(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
