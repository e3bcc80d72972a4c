"""The one Definitions object loads, and its asset graph is complete and connected.

The lineage snapshot (asset_graph.json beside this file) fails the test when an edge, asset or
check appears or disappears; after an intended change, regenerate it with
`LT_UPDATE_SNAPSHOTS=1 make test` and review the diff."""

import json
import os
from pathlib import Path

import dagster as dg
import pytest

from pipelines.settings import DBT_PROJECT_DIR

SNAPSHOT = Path(__file__).with_name("asset_graph.json")


@pytest.fixture(scope="module")
def defs():
    from pipelines.definitions import defs

    dg.Definitions.validate_loadable(defs)
    return defs


@pytest.fixture(scope="module")
def graph(defs):
    return defs.resolve_asset_graph()


def manifest_nodes():
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"].values()
    return manifest, nodes


def test_every_dbt_model_seed_and_snapshot_is_an_asset(graph):
    _, nodes = manifest_nodes()
    expected = {
        dg.AssetKey([n["schema"], n["name"]])
        for n in nodes
        if n["resource_type"] in {"model", "seed", "snapshot"}
    }
    assert expected <= graph.get_all_asset_keys()
    assert {k.path[0] for k in expected} == {
        "reference",
        "staging",
        "intermediate",
        "marts",
    }


def test_dbt_sources_are_the_python_raw_assets(graph):
    manifest, _ = manifest_nodes()
    for source in manifest["sources"].values():
        key = dg.AssetKey(["raw", source["name"]])
        assert key in graph.get_all_asset_keys()
        assert graph.get(key).is_materializable  # produced by a Python raw asset
        # programme records: one partition per delivered file; sector plans: one per plan
        # (but the catalogue); World Bank: one per indicator from the API; the others are
        # whole loads
        partitioned = (
            (source["source_name"] == "programme_records" and source["name"] != "landing_entries")
            or (
                source["source_name"] == "sector_plans"
                and source["name"] != "sector_plan_documents"
            )
            or source["name"].startswith("worldbank_api_")
        )
        assert (graph.get(key).partitions_def is not None) == partitioned, key


def test_every_dbt_test_and_ge_suite_is_an_asset_check(graph):
    _, nodes = manifest_nodes()
    dbt_tests = [n for n in nodes if n["resource_type"] == "test" and n.get("attached_node")]
    check_names = {key.name for key in graph.asset_check_keys}
    assert {t["name"] for t in dbt_tests} <= check_names
    assert {
        "ge_raw_programme_records",
        "ge_dim_programme",
        "ge_dim_country",
        "ge_fct_programme_actor",
        "ge_fct_country_summary",
        "file_fully_accepted",
    } <= check_names


def test_every_singular_dbt_test_names_the_asset_it_checks():
    """A singular test that reads several models would be logged as an observation, not a check,
    unless it names its asset in meta.dagster.ref (one it depends on)."""
    _, nodes = manifest_nodes()
    for node in nodes:
        depends = node.get("depends_on", {}).get("nodes", [])
        if node["resource_type"] != "test" or node.get("attached_node") or len(depends) < 2:
            continue
        ref = node["config"].get("meta", {}).get("dagster", {}).get("ref", {}).get("name")
        assert ref, node["name"]
        assert any(d.endswith(f".{ref}") for d in depends), node["name"]


def test_marts_are_reached_from_the_landing_files(graph):
    raw = dg.AssetKey(["landing", "programme_records"])
    downstream = graph.get(dg.AssetKey(["raw", "programme_records"])).child_keys
    assert dg.AssetKey(["staging", "stg_programme_records__programme_records"]) in downstream
    reachable = set()
    frontier = {raw}
    while frontier:
        key = frontier.pop()
        reachable.add(key)
        frontier |= set(graph.get(key).child_keys) - reachable
    for mart in (
        "dim_programme",
        "fct_programme_actor",
        "fct_country_summary",
        "dim_programme_history",
        "fct_landing_entry",
    ):
        assert dg.AssetKey(["marts", mart]) in reachable
    assert dg.AssetKey(["published", "warehouse"]) in reachable


def test_the_build_sensor_not_declarative_automation_triggers_builds(graph):
    """One build run per change (see pipelines/warehouse/automation.py): no asset carries an
    automation condition, which would split a change into a run per layer."""
    for key in graph.get_all_asset_keys():
        assert graph.get(key).automation_condition is None, key


def test_asset_graph_matches_the_lineage_snapshot(graph):
    current = {
        "assets": {
            key.to_user_string(): sorted(p.to_user_string() for p in graph.get(key).parent_keys)
            for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
        },
        "checks": sorted(
            f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys
        ),
    }
    if os.environ.get("LT_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n")
    assert json.loads(SNAPSHOT.read_text()) == current


def test_jobs_and_sensors_are_defined(defs):
    assert defs.resolve_job_def("ingest_programme_records").partitions_def is not None
    assert defs.resolve_job_def("build_warehouse")
    assert defs.resolve_sensor_def("programme_records_landing_sensor")
    assert defs.resolve_sensor_def("warehouse_build_sensor")


def test_descriptions_render_as_written(defs):
    """The UI renders descriptions as Markdown: a `<placeholder>` outside backticks would be
    read as an HTML tag and vanish."""
    import re

    for spec in defs.resolve_all_asset_specs():
        prose = re.sub(r"`[^`]*`", "", spec.description or "")
        assert not re.search(r"<[A-Za-z/][^>]*>", prose), spec.key.to_user_string()
