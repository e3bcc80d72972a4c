"""When the warehouse rebuilds on its own: a sensor that watches every raw asset the dbt project
reads and, when any of them was materialised since its last look, requests ONE build_warehouse
run of exactly the dbt assets downstream of what changed, plus the publish step.

Not Dagster's declarative automation: its eager condition split one change into a run per layer
(staging, marts, publish), and a run without the publish step builds into a candidate that is
discarded (write-audit-publish), so a change could never reach the published copy. One run per
change keeps the candidate, its dbt tests and GE checks, and its promotion together; a failed
blocking check skips the publish step and nothing is promoted.
"""

from __future__ import annotations

import json

import dagster as dg

from .build_inputs import COVERS_TAG, downstream_of
from .dbt_assets import warehouse_dbt_assets
from .jobs import PUBLISHES_TAG, build_warehouse
from .publish import published_warehouse

ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def raw_inputs() -> list[dg.AssetKey]:
    """The raw assets the dbt project reads (its dbt sources)."""
    deps = warehouse_dbt_assets.asset_deps
    inputs = {parent for parents in deps.values() for parent in parents} - set(deps)
    return sorted(inputs, key=lambda k: k.to_user_string())


def _published_covers(instance: dg.DagsterInstance) -> tuple[dict[str, int] | None, int | None]:
    """What the published copy already contains: the covered raw storage ids its build recorded
    (None for a build that recorded none), and the storage id of the publish itself."""
    (published,) = instance.get_asset_records([published_warehouse.key]) or (None,)
    last = published.asset_entry.last_materialization_record if published else None
    if last is None:
        return None, None
    run = instance.get_run_by_id(last.run_id)
    tag = run.tags.get(COVERS_TAG) if run is not None else None
    return (json.loads(tag) if tag else None), last.storage_id


def evaluate_build(context: dg.SensorEvaluationContext):
    """One tick: skip while a publishing run is queued or running (it will see the newer data
    next tick); otherwise request a build of what depends on the raw assets materialised since
    what was last requested or published (raw asset -> storage id of the last materialisation
    seen). A run that ingested a file and published in one go covers its own raw writes, so it
    is not followed by a second build."""
    instance = context.instance
    seen: dict[str, int] = json.loads(context.cursor) if context.cursor else {}
    inputs = raw_inputs()
    latest: dict[str, int] = {}
    for record in instance.get_asset_records(inputs):
        last = record.asset_entry.last_materialization_record
        if last is not None:
            latest[record.asset_entry.asset_key.to_user_string()] = last.storage_id
    covers, published_at = _published_covers(instance)
    if covers is not None:
        seen = {k: max(seen.get(k, 0), covers.get(k, 0)) for k in set(seen) | set(covers)}
    elif context.cursor is None and published_at is not None:
        # A publish that recorded no covers: what it saw is what was materialised before it.
        seen = {name: sid for name, sid in latest.items() if sid < published_at}
    changed = [
        k for k in inputs if latest.get(k.to_user_string(), 0) > seen.get(k.to_user_string(), 0)
    ]
    if not changed:
        return dg.SensorResult(
            skip_reason="no raw asset was materialised since the last build request",
            cursor=json.dumps(seen, sort_keys=True),
        )
    if instance.get_runs(dg.RunsFilter(tags={PUBLISHES_TAG: "true"}, statuses=ACTIVE), limit=1):
        return dg.SkipReason("a warehouse build is queued or running; new data waits for it")
    selection = downstream_of(warehouse_dbt_assets.asset_deps, changed) | {published_warehouse.key}
    names = ", ".join(k.to_user_string() for k in changed)
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"build:{max(latest.values())}",
                asset_selection=sorted(selection, key=lambda k: k.to_user_string()),
                tags={"learning_teams/changed": names[:200]},
            )
        ],
        cursor=json.dumps(latest, sort_keys=True),
    )


def build_automation_sensor(interval_seconds: int) -> dg.SensorDefinition:
    @dg.sensor(
        name="warehouse_build_sensor",
        job=build_warehouse,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests one build_warehouse run (candidate build, dbt tests, GE checks, "
        "promote, publish) of the dbt assets downstream of raw assets materialised since its "
        "last request.",
    )
    def warehouse_build_sensor(context: dg.SensorEvaluationContext):
        return evaluate_build(context)

    return warehouse_build_sensor
