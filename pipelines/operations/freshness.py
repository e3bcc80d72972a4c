"""Freshness per source, declared once over the merged Definitions (not asset by asset), so a
source added later in its own folder is covered by its group name or asset-key prefix.

Dagster's freshness daemon (`freshness: enabled: true` in the instance's dagster.yaml) evaluates
each policy every 30 s; an asset past its fail window is shown as failing ("Overdue") in the UI.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta

import dagster as dg


@dataclass(frozen=True)
class SourceFreshness:
    source: str
    groups: tuple[str, ...]
    key_prefixes: tuple[tuple[str, ...], ...]
    warn_after: timedelta
    fail_after: timedelta
    why: str

    def selection(self) -> dg.AssetSelection:
        selection = dg.AssetSelection.groups(*self.groups)
        for prefix in self.key_prefixes:
            selection = selection | dg.AssetSelection.key_prefixes(list(prefix))
        return selection

    def policy(self) -> dg.FreshnessPolicy:
        return dg.FreshnessPolicy.time_window(
            fail_window=self.fail_after, warn_window=self.warn_after
        )


SOURCE_FRESHNESS: tuple[SourceFreshness, ...] = (
    SourceFreshness(
        source="landing journal",
        groups=(),
        key_prefixes=(("raw", "landing_entries"),),
        warn_after=timedelta(days=3),
        fail_after=timedelta(days=7),
        why="the landing sensor records every delivery; a week without one means the sensor "
        "or the organisations stopped",
    ),
    SourceFreshness(
        source="literature harvest",
        groups=("harvest",),
        key_prefixes=(("harvest",),),
        warn_after=timedelta(hours=26),
        fail_after=timedelta(hours=50),
        why="literature_daily_harvest runs daily: two missed days fail",
    ),
    SourceFreshness(
        source="sector-plan catalogue",
        groups=(),
        key_prefixes=(("raw", "sector_plan_documents"),),
        warn_after=timedelta(hours=26),
        fail_after=timedelta(hours=50),
        why="sector_plans_daily loads the catalogue daily whatever the hourly poll says",
    ),
    SourceFreshness(
        source="workforce indicators",
        groups=("world_bank", "worldbank", "indicators"),
        key_prefixes=(("raw", "world_bank"), ("raw", "worldbank")),
        warn_after=timedelta(days=8),
        fail_after=timedelta(days=15),
        why="the World Bank updates indicators rarely; a weekly load is plenty",
    ),
)


def covered_keys(defs: dg.Definitions) -> dict[str, set[dg.AssetKey]]:
    """source -> the asset keys its policy applies to (empty: the source is not loaded)."""
    graph = defs.resolve_asset_graph()
    return {s.source: set(s.selection().resolve(graph)) for s in SOURCE_FRESHNESS}


def apply_freshness(defs: dg.Definitions) -> dg.Definitions:
    """`defs` with each source's freshness policy on the assets its selection finds."""
    policies = {
        key: source.policy()
        for source, keys in zip(SOURCE_FRESHNESS, covered_keys(defs).values(), strict=True)
        for key in keys
    }

    def with_policy(spec: dg.AssetSpec) -> dg.AssetSpec:
        policy = policies.get(spec.key)
        return spec if policy is None else spec.replace_attributes(freshness_policy=policy)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # map_asset_specs is "preview"
        return defs.map_asset_specs(func=with_policy)
