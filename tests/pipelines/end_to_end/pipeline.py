"""What the end-to-end tests share: a private copy of the session's sample run opened as the
pipeline sees it (settings, definitions, Dagster instance), and small helpers."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.settings import Settings
from sources.programme_records.raw_schema import supplied_columns_sql
from tests.conftest import SAMPLE_DIR, deliver_one_record
from tests.pipelines.sample_run import CONCURRENCY, sample_env

PUBLISHED = dg.AssetKey(["published", "warehouse"])


@dataclasses.dataclass
class Pipeline:
    settings: Settings
    defs: dg.Definitions
    instance: dg.DagsterInstance


@contextmanager
def open_pipeline(env: dict[str, str], patch) -> Iterator[Pipeline]:
    """Settings, definitions and instance of the copy whose environment is `env`."""
    from pipelines.definitions import build_definitions

    for key, value in env.items():
        if key != "DAGSTER_HOME":  # instance_for_test sets it (and puts it back)
            patch.setenv(key, value)
    settings = Settings.from_env()
    with dg.instance_for_test(overrides=CONCURRENCY, temp_dir=env["DAGSTER_HOME"]) as instance:
        yield Pipeline(settings, build_definitions(settings), instance)


def settings_of(root: Path) -> Settings:
    """Settings of the (shared, read-only) sample run folder, for tests that only read it."""
    env = sample_env(root)
    return dataclasses.replace(
        Settings.from_env(),
        warehouse_path=Path(env["LT_WAREHOUSE_PATH"]),
        publish_dir=Path(env["LT_PUBLISH_DIR"]),
        archive_dir=Path(env["LT_ARCHIVE_DIR"]),
        reports_dir=Path(env["LT_REPORTS_DIR"]),
    )


def query(settings, sql, params=None):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def fingerprint(settings, table):
    rows = query(settings, f"SELECT * FROM {table} ORDER BY ALL")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def stricter_suites(tmp_path, suite, expectation):
    """A copy of the versioned suites with one more expectation added to `suite`."""
    suites = tmp_path / "suites"
    shutil.copytree(SAMPLE_DIR.parents[1] / "expectations" / "suites", suites)
    path = suites / f"{suite}.json"
    strict = json.loads(path.read_text())
    strict["expectations"].append(expectation)
    path.write_text(json.dumps(strict))
    return suites


def drop_one_record(settings, organisation, ref):
    """A one-record CSV (a sample programme under a new ref) from a new organisation."""
    deliver_one_record(settings.landing_dir, organisation, ref)


def published_count(settings, ref):
    """Rows of `ref` in the published copy's dim_programme."""
    published = duckdb.connect(str(settings.publish_dir / "learning_teams.duckdb"), read_only=True)
    try:
        sql = "SELECT count(*) FROM marts.dim_programme WHERE programme_ref = ?"
        return published.execute(sql, [ref]).fetchone()[0]
    finally:
        published.close()


def ingest_requests(tick):
    return [r for r in tick.run_requests or [] if r.job_name == "ingest_programme_records"]


def write_unmapped_row_into_raw(con: duckdb.DuckDBPyConnection, file_id: str) -> None:
    """A copy of a loaded row with an unknown actor, written into raw past the contract, under
    a file id with no row in programme_record_files (so it lists its supplied columns itself)."""
    con.execute(f"""
        INSERT INTO raw.programme_records
        SELECT r.* REPLACE ('ZZZ-UNMAPPED' AS programme_ref, 'wizards' AS actors,
                            '{file_id}' AS _file_id,
                            {supplied_columns_sql("r", "f")} AS _supplied_columns)
        FROM raw.programme_records AS r
        JOIN raw.programme_record_files AS f ON f.file_id = r._file_id
        LIMIT 1""")


def programme_build_keys() -> list[dg.AssetKey]:
    """What a build after new programme records selects (the build sensor's choice): every dbt
    asset downstream of raw.programme_records, and the publish step."""
    from pipelines.warehouse.build_inputs import downstream_of
    from pipelines.warehouse.dbt_assets import warehouse_dbt_assets

    raw = dg.AssetKey(["raw", "programme_records"])
    return [*downstream_of(warehouse_dbt_assets.asset_deps, [raw]), PUBLISHED]


def marts_and_upstream_keys(defs: dg.Definitions, marts: list[dg.AssetKey]) -> list[dg.AssetKey]:
    """A build of `marts` and every dbt asset they read (seeds included), and the publish
    step: what a warehouse holding one source needs to build and promote them."""
    from pipelines.warehouse.dbt_assets import warehouse_dbt_assets

    graph = defs.resolve_asset_graph()
    upstream = dg.AssetSelection.assets(*marts).upstream().resolve(graph)
    return [k for k in upstream if k in warehouse_dbt_assets.keys] + [PUBLISHED]
