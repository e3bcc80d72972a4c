"""The shared warehouse: a DuckLake (catalog in PostgreSQL, data as Parquet files under a
directory or object store), the dbt target `lake` (LT_DBT_TARGET=lake).

Write-audit-publish on the lake uses its snapshots instead of a copied file: every commit is a
new snapshot, so dbt builds and tests at the lake's head (write, audit), and only when the whole
build passed is its last snapshot recorded in `lake_ops.published` (publish). Readers (analysts,
BI) attach read-only **at the published snapshot** (`connect(settings, published=True)`): they
never see a half-built or failed build, and never block a writer (DuckLake readers take no
lock; writers commit with retries on non-conflicting changes). Keep the published snapshot when
expiring old ones (`ducklake_expire_snapshots(..., older_than => ...)` after the next publish).

With LT_WAREHOUSE_BACKEND=lake the Dagster code does the same: the warehouse resource attaches
the lake (raw loads commit into it), build_warehouse runs dbt at the head and its publish step
records the snapshot the build ended at (dbt_assets._build_on_lake, publish.published_warehouse).

    python -m pipelines.warehouse.lake sync-raw <learning_teams.duckdb>   # raw tables -> lake
                                          # (or LT_WAREHOUSE_BACKEND=lake: loads write it directly)
    python -m pipelines.warehouse.lake build [dbt selection...]          # build, test, publish
    python -m pipelines.warehouse.lake status                            # published snapshot
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ..settings import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    DUCKLAKE_EXTENSION,
    POSTGRES_EXTENSION,
    WAREHOUSE_FILE_NAME,
    _path,
)
from .raw_schemas import ensure_raw_schemas

ALIAS = WAREHOUSE_FILE_NAME.split(".")[0]  # the catalog name dbt's manifest was parsed with
META = "lake_ops"
SNAPSHOT_TAG = "learning_teams/lake_snapshot"
"""Run tag of a Dagster build on the lake: the snapshot its dbt build ended at."""


@dataclass(frozen=True)
class LakeSettings:
    catalog_dsn: str
    data_path: Path

    @classmethod
    def from_env(cls) -> LakeSettings:
        dsn = (os.environ.get("LT_LAKE_CATALOG_DSN") or "").strip()
        if not dsn:
            raise ValueError(
                "LT_LAKE_CATALOG_DSN is not set: the lake's catalog is a PostgreSQL database, "
                "e.g. LT_LAKE_CATALOG_DSN='dbname=lake host=db.internal user=lake'"
            )
        return cls(catalog_dsn=dsn, data_path=_path("LT_LAKE_DATA_PATH", "warehouse/lake"))

    def dbt_env(self) -> dict[str, str]:
        """What dbt's `lake` profile target reads (dbt_project/profiles.yml)."""
        return {
            "LT_DBT_TARGET": "lake",
            "LT_LAKE_CATALOG_DSN": self.catalog_dsn,
            "LT_LAKE_DATA_PATH": str(self.data_path),
            "LT_DUCKLAKE_EXTENSION": str(DUCKLAKE_EXTENSION),
            "LT_POSTGRES_EXTENSION": str(POSTGRES_EXTENSION),
        }


def connect(
    settings: LakeSettings, read_only: bool = False, published: bool = False
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as the default catalog; `published=True`
    attaches it read-only at the published snapshot (ValueError when nothing is published)."""
    con = duckdb.connect()
    con.execute(f"LOAD '{POSTGRES_EXTENSION}'")  # before DuckLake, which would download it
    con.execute(f"LOAD '{DUCKLAKE_EXTENSION}'")
    options = [f"DATA_PATH '{settings.data_path}/'"]
    if read_only or published:
        options.append("READ_ONLY")
    source = f"ducklake:postgres:{settings.catalog_dsn}"
    if published:
        con.execute(
            f"ATTACH '{source}' AS lake_head (READ_ONLY, DATA_PATH '{settings.data_path}/')"
        )
        snapshot = published_snapshot(con, "lake_head")
        con.execute("DETACH lake_head")
        if snapshot is None:
            raise ValueError(f"nothing has been published to the lake {settings.catalog_dsn!r}")
        options.append(f"SNAPSHOT_VERSION {snapshot}")
    else:
        settings.data_path.mkdir(parents=True, exist_ok=True)
    con.execute(f"ATTACH '{source}' AS {ALIAS} ({', '.join(options)})")
    con.execute(f"USE {ALIAS}")
    return con


def current_snapshot(con: duckdb.DuckDBPyConnection, catalog: str = ALIAS) -> int:
    return con.execute(f"SELECT max(snapshot_id) FROM {catalog}.snapshots()").fetchone()[0]


def published_snapshot(con: duckdb.DuckDBPyConnection, catalog: str = ALIAS) -> int | None:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = 'published'",
        [catalog, META],
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(
        f"SELECT snapshot_id FROM {catalog}.{META}.published ORDER BY published_at DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def publish(con: duckdb.DuckDBPyConnection, snapshot: int, note: str = "") -> None:
    """Point readers at `snapshot` (its own commit is a later snapshot that they do not need)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {ALIAS}.{META}")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {ALIAS}.{META}.published "
        "(snapshot_id BIGINT, published_at TIMESTAMPTZ, note VARCHAR)"
    )
    con.execute(
        f"INSERT INTO {ALIAS}.{META}.published VALUES (?, ?, ?)",
        [snapshot, datetime.now(UTC), note],
    )


def sync_raw(con: duckdb.DuckDBPyConnection, source_file: Path) -> list[str]:
    """Copy every raw table of an embedded warehouse file into the lake, in one commit (one
    snapshot). Returns the tables copied."""
    con.execute(f"ATTACH '{source_file}' AS embedded (READ_ONLY)")
    try:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'embedded' "
                "AND schema_name = 'raw' ORDER BY table_name"
            ).fetchall()
        ]
        con.execute("BEGIN")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {ALIAS}.raw")
        for table in tables:
            con.execute(
                f'CREATE OR REPLACE TABLE {ALIAS}.raw."{table}" AS '
                f'SELECT * FROM embedded.raw."{table}"'
            )
        con.execute("COMMIT")
    finally:
        con.execute("DETACH embedded")
    return tables


def run_dbt(
    settings: LakeSettings, args: list[str], target_path: Path | None = None
) -> subprocess.CompletedProcess:
    command = [DBT_EXECUTABLE, *args, "--profiles-dir", "."]
    if target_path is not None:
        command += ["--target-path", str(target_path), "--log-path", str(target_path / "logs")]
    env = {**os.environ, **settings.dbt_env(), "DO_NOT_TRACK": "1"}
    return subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)


def build_and_publish(
    settings: LakeSettings, dbt_args: list[str], target_path: Path | None = None
) -> tuple[bool, subprocess.CompletedProcess]:
    """`dbt build` (models and their tests) on the lake, then publish its last snapshot only if
    everything passed. Returns (published, dbt's process). The raw tables of a source that has
    loaded nothing yet are created empty first, as on the embedded file (candidate.py)."""
    con = connect(settings)
    try:
        ensure_raw_schemas(con)
    finally:
        con.close()
    done = run_dbt(settings, ["build", *dbt_args], target_path)
    if done.returncode != 0:
        return False, done
    con = connect(settings)
    try:
        publish(con, current_snapshot(con), note="dbt build " + " ".join(dbt_args))
    finally:
        con.close()
    return True, done


def main(argv: list[str]) -> int:
    settings = LakeSettings.from_env()
    command, rest = (argv[0], argv[1:]) if argv else ("status", [])
    if command == "sync-raw":
        con = connect(settings)
        tables = sync_raw(con, Path(rest[0]).resolve())
        print(f"raw: {len(tables)} tables copied into the lake (snapshot {current_snapshot(con)})")
        return 0
    if command == "build":
        # dbt's parse state for the lake target, kept between builds (a target whose profile
        # differs from the last parse re-parses the whole project: ~10 s).
        state = _path("LT_BUILDS_DIR", "warehouse/builds") / "dbt_state_lake"
        published, done = build_and_publish(settings, rest, state)
        print(done.stdout[-3000:])
        print("published" if published else "build failed: nothing published")
        return 0 if published else 1
    con = connect(settings, read_only=True)
    print(f"head snapshot {current_snapshot(con)}, published {published_snapshot(con)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
