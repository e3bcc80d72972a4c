"""Freshness per source: each source's assets carry its policy (applied once to the merged
Definitions, by group or key prefix), and Dagster's freshness daemon, run on the project's own
code location, turns an overdue source to FAIL (what the UI shows as failing)."""

import asyncio
import time
from datetime import timedelta

import dagster as dg
import pytest
from dagster._core.definitions.freshness import FreshnessState
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.test_utils import create_test_daemon_workspace_context, freeze_time
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
from dagster._daemon.freshness import FreshnessDaemon

from pipelines.definitions import defs
from pipelines.operations.freshness import SOURCE_FRESHNESS, apply_freshness, covered_keys

HARVEST = dg.AssetKey(["harvest", "eric_pages"])
CATALOGUE = dg.AssetKey(["raw", "sector_plan_documents"])
JOURNAL = dg.AssetKey(["raw", "landing_entries"])


def test_every_loaded_source_has_its_policy_on_its_assets():
    covered = covered_keys(defs)
    assert covered["landing journal"] == {JOURNAL}
    assert covered["literature harvest"] == {HARVEST, dg.AssetKey(["harvest", "openalex_pages"])}
    assert covered["sector-plan catalogue"] == {CATALOGUE}
    graph = defs.resolve_asset_graph()
    by_source = {s.source: s for s in SOURCE_FRESHNESS}
    for source, keys in covered.items():
        for key in keys:
            assert graph.get(key).freshness_policy == by_source[source].policy()
    # Nothing else (dbt models are as fresh as their sources; the build sensor follows them).
    with_policy = {k for k in graph.get_all_asset_keys() if graph.get(k).freshness_policy}
    assert with_policy == set().union(*covered.values())


def test_a_source_added_later_is_covered_by_its_group():
    @dg.asset(group_name="world_bank", key=["raw", "world_bank_indicators"])
    def indicators(): ...

    merged = apply_freshness(dg.Definitions.merge(defs, dg.Definitions(assets=[indicators])))
    node = merged.resolve_asset_graph().get(indicators.key)
    assert node.freshness_policy.fail_window.to_timedelta() == timedelta(days=15)


def _states(instance) -> dict[dg.AssetKey, FreshnessState]:
    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(module_name="pipelines.definitions", attribute="defs"),
        location_name="learning_teams",
    )
    with create_test_daemon_workspace_context(
        InProcessWorkspaceLoadTarget(origin), instance
    ) as context:
        asyncio.run(FreshnessDaemon()._evaluate_assets(context))  # noqa: SLF001
    records = instance.get_freshness_state_records([HARVEST, CATALOGUE, JOURNAL])
    return {key: record.freshness_state for key, record in records.items()}


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_an_overdue_source_fails_and_a_fresh_one_passes():
    with dg.instance_for_test(overrides={"freshness": {"enabled": True}}) as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(HARVEST))
        instance.report_runless_asset_event(dg.AssetMaterialization(CATALOGUE))
        loaded = time.time()
        with freeze_time(loaded + timedelta(hours=1).total_seconds()):
            assert _states(instance) == {
                HARVEST: FreshnessState.PASS,
                CATALOGUE: FreshnessState.PASS,
                JOURNAL: FreshnessState.UNKNOWN,  # never materialised
            }
        with freeze_time(loaded + timedelta(hours=30).total_seconds()):
            assert _states(instance)[HARVEST] == FreshnessState.WARN  # one daily run missed
        with freeze_time(loaded + timedelta(days=3).total_seconds()):
            states = _states(instance)
        assert states[HARVEST] == states[CATALOGUE] == FreshnessState.FAIL
