"""What a warehouse build was made from, so a run with nothing new does no dbt work and a new file
rebuilds only what depends on it.

Each build records, inside the build itself (table `_meta.build_inputs`, promoted with it), a
fingerprint of every raw table whose dependants it rebuilt (row count + the sum of the row hashes:
order-independent, one set-based pass) and of the dbt project's files (plus the GE suites).
`plan_build` compares them with the live file now: nothing changed -> no build; some raw tables
changed -> build only the dbt assets downstream of them; the project changed or no record -> a
full build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from ..settings import DBT_PROJECT_DIR, REPO_ROOT
from .lock import connect_waiting

COVERS_TAG = "learning_teams/covers"
"""Run tag of a build: `{raw asset: storage id}` of the last materialisation of each raw input
it brings up to date, taken when its candidate was copied (the build sensor skips those)."""
META_TABLE = "_meta.build_inputs"
PROJECT_INPUT = "dbt_project"
"""The fingerprint row of the dbt project's files (a full build records it)."""

_PROJECT_FOLDERS = ("models", "seeds", "macros", "tests", "snapshots", "analyses")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
_SUITES_DIR = REPO_ROOT / "expectations"


def project_files(project_dir: Path = DBT_PROJECT_DIR) -> list[Path]:
    """The dbt project's source files (what a parse reads)."""
    paths = [project_dir / name for name in _PROJECT_FILES]
    for folder in (project_dir / f for f in _PROJECT_FOLDERS):
        if folder.is_dir():
            paths.extend(folder.rglob("*"))
    return sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts)


def manifest_is_stale(project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """True when the manifest is missing or older than a project file (it needs a parse)."""
    manifest = project_dir / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(f.stat().st_mtime > built for f in project_files(project_dir))


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """SHA-256 over the dbt project's source files and the GE suites (names and bytes)."""
    digest = hashlib.sha256()
    suites = [p for p in _SUITES_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in project_files(project_dir) + sorted(suites):
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def raw_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """`{table: "<rows>:<sum of row hashes>"}` for every table in the raw schema."""
    tables = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' "
            "AND database_name = current_database() ORDER BY 1"
        ).fetchall()
    ]
    if not tables:
        return {}
    query = " UNION ALL ".join(
        f"SELECT '{t}' AS name, count(*) AS n, coalesce(sum(hash(r)::HUGEINT), 0) AS h "
        f'FROM raw."{t}" AS r'
        for t in tables
    )
    return {name: f"{n}:{h}" for name, n, h in con.execute(query).fetchall()}


def recorded_inputs(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The fingerprints the build in this file recorded ({} when it recorded none)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = '_meta' "
        "AND table_name = 'build_inputs' AND database_name = current_database()"
    ).fetchone()[0]
    if not exists:
        return {}
    return dict(con.execute(f"SELECT input, fingerprint FROM {META_TABLE}").fetchall())


def published_inputs_path(published_path: Path) -> Path:
    """The fingerprints of the build a published copy was made from, beside it (so a run never
    opens the published copy, which a reader may hold, even read-write)."""
    return published_path.with_name(f".{published_path.name}.inputs.json")


def record_published_inputs(published_path: Path, fingerprints: Mapping[str, str]) -> None:
    target = published_inputs_path(published_path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(dict(fingerprints), sort_keys=True), encoding="utf-8")
    tmp.replace(target)


def published_inputs(published_path: Path) -> dict[str, str]:
    """What `record_published_inputs` wrote for the published copy ({} when nothing)."""
    path = published_inputs_path(published_path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record_inputs(con: duckdb.DuckDBPyConnection, fingerprints: Mapping[str, str]) -> None:
    """Upsert the fingerprints of the inputs this build covers."""
    con.execute("CREATE SCHEMA IF NOT EXISTS _meta")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {META_TABLE} (input VARCHAR PRIMARY KEY, fingerprint VARCHAR)"
    )
    if fingerprints:
        con.executemany(
            f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", list(fingerprints.items())
        )


def downstream_of(
    asset_deps: Mapping[dg.AssetKey, Iterable[dg.AssetKey]], roots: Iterable[dg.AssetKey]
) -> set[dg.AssetKey]:
    """The keys of `asset_deps` (key -> its upstream keys) that depend, transitively, on a root."""
    children: dict[dg.AssetKey, set[dg.AssetKey]] = {}
    for key, parents in asset_deps.items():
        for parent in parents:
            children.setdefault(parent, set()).add(key)
    found: set[dg.AssetKey] = set()
    stack = list(roots)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def covered_inputs(
    asset_deps: Mapping[dg.AssetKey, Iterable[dg.AssetKey]],
    selected: set[dg.AssetKey],
    raw_tables: Iterable[str],
) -> list[str]:
    """The raw tables all of whose dbt dependants are in `selected` (and the project, when every
    dbt asset is): the inputs a build of `selected` brings up to date."""
    covered = [
        table
        for table in raw_tables
        if downstream_of(asset_deps, [dg.AssetKey(["raw", table])]) <= selected
    ]
    if set(asset_deps) <= selected:
        covered.append(PROJECT_INPUT)
    return covered


@dataclass
class BuildPlan:
    """What the next build has to do: `kind` is none, partial or full."""

    kind: str
    reason: str
    changed: list[str] = field(default_factory=list)
    asset_keys: list[dg.AssetKey] = field(default_factory=list)


def plan_build(
    live_path: Path,
    published_path: Path,
    asset_deps: Mapping[dg.AssetKey, Iterable[dg.AssetKey]],
    downstream_extra: Iterable[dg.AssetKey] = (),
) -> BuildPlan:
    """Compare the live file's raw tables and the dbt project with what the last build recorded.

    `asset_deps` are the dbt assets' dependencies; `downstream_extra` (the publish step) is
    added to any partial selection."""
    if not live_path.exists() or not published_path.exists():
        return BuildPlan("full", "nothing was built and published yet")
    with connect_waiting(live_path, read_only=True) as con:
        now = raw_fingerprints(con)
        recorded = recorded_inputs(con)
    if recorded.get(PROJECT_INPUT) != project_fingerprint():
        why = "no build recorded yet" if not recorded else "the dbt project or GE suites changed"
        return BuildPlan("full", why)
    if published_inputs(published_path) != recorded:
        return BuildPlan("full", "the published copy is older than the live build")
    dbt_keys = set(asset_deps)
    changed = sorted(
        table
        for table, fingerprint in now.items()
        if recorded.get(table) != fingerprint
        and downstream_of(asset_deps, [dg.AssetKey(["raw", table])]) & dbt_keys
    )
    if not changed:
        return BuildPlan("none", "nothing new since the last build")
    keys = downstream_of(asset_deps, [dg.AssetKey(["raw", t]) for t in changed])
    return BuildPlan(
        "partial",
        f"new data in raw.{', raw.'.join(changed)}",
        changed=changed,
        asset_keys=sorted(keys | set(downstream_extra), key=lambda k: k.to_user_string()),
    )


def covered_storage_ids(instance: dg.DagsterInstance, tables: Iterable[str]) -> dict[str, int]:
    """`{raw/<table>: storage id}` of the latest materialisation of each raw table, now. Taken
    by a build while it holds the writer pool right after copying its candidate, these are the
    raw writes its candidate contains."""
    keys = [dg.AssetKey(["raw", t]) for t in tables if t != PROJECT_INPUT]
    latest = {}
    for record in instance.get_asset_records(keys):
        last = record.asset_entry.last_materialization_record
        if last is not None:
            latest[record.asset_entry.asset_key.to_user_string()] = last.storage_id
    return latest
