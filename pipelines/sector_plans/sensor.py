"""Poll the Planipolis catalogue cheaply; add a partition and request a run for each new plan.

A tick does two things:

1. **Poll.** A conditional GET of the first listing page (the ETag/Last-Modified that the last
   successful catalogue load remembered, in the polite client's validator store). HTTP 304 means
   unchanged: nothing is requested. Any other answer requests a catalogue run, keyed by the
   answer's validators so that one change gives one run. With an export file configured, the
   file's SHA-256 is compared with the one the last catalogue load recorded.
2. **New plans.** The latest catalogue materialisation lists the plans to load (focus
   countries, or all) with a version (md5 of their documents). Plans that are not yet a
   partition of `sector_plans` become one, each with a run; a plan whose documents changed in
   the catalogue is run again (the cursor keeps the version last requested). A plan whose run
   failed is not requested again for the same version (it needs a person: see the run,
   raw.sector_plans_quarantine and `dim_sector_plan.load_status`).

The daily schedule `sector_plans_daily` loads the catalogue whatever the poll says (fallback
for a site whose validators lie, or a sensor that was stopped).
"""

import hashlib
import json

import dagster as dg

from sources.http_client import HttpError

from ..operations.live_sources import sensor_status
from .assets import (
    PLAN_KEYS_METADATA,
    PLAN_VERSIONS_METADATA,
    RAW_DOCUMENTS,
    SOURCE_SHA256_METADATA,
)
from .jobs import load_sector_plan, load_sector_plan_catalogue
from .partitions import sector_plans
from .resources import PlanipolisResource

PLAN_TAG = "learning_teams/plan"


def poll_catalogue(
    planipolis: PlanipolisResource, instance: dg.DagsterInstance
) -> tuple[str | None, str]:
    """(a marker of the changed catalogue, or None when unchanged; what was seen)."""
    export = planipolis.export_path
    if export is not None:
        digest = hashlib.sha256(export.read_bytes()).hexdigest()
        if _latest_metadata(instance, SOURCE_SHA256_METADATA) == digest:
            return None, f"{export}: unchanged since the last load (SHA-256 {digest[:12]})"
        return f"export:{digest}", f"{export}: not loaded yet (SHA-256 {digest[:12]})"
    url = planipolis.settings.listing_url
    response = planipolis.client().get(url, conditional=True, remember=False)
    if response.status_code == 304:
        return None, f"{url}: unchanged (HTTP 304)"
    validators = response.headers.get("ETag") or response.headers.get("Last-Modified")
    marker = validators or hashlib.sha256(response.content).hexdigest()
    return f"listing:{marker}", f"{url}: changed (HTTP {response.status_code}, {marker})"


def _latest_metadata(instance: dg.DagsterInstance, name: str):
    event = instance.get_latest_materialization_event(RAW_DOCUMENTS)
    if event is None or event.asset_materialization is None:
        return None
    value = event.asset_materialization.metadata.get(name)
    return None if value is None else value.value


def catalogue_plans(instance: dg.DagsterInstance) -> dict[str, str | None]:
    """plan_key -> version of the plans listed by the latest catalogue materialisation."""
    versions = _latest_metadata(instance, PLAN_VERSIONS_METADATA) or {}
    return {key: versions.get(key) for key in _latest_metadata(instance, PLAN_KEYS_METADATA) or []}


def evaluate_catalogue(
    context: dg.SensorEvaluationContext, planipolis: PlanipolisResource
) -> dg.SensorResult:
    """One tick (see the module docstring)."""
    requests: list[dg.RunRequest] = []
    try:
        marker, seen = poll_catalogue(planipolis, context.instance)
    except (HttpError, OSError) as exc:
        marker, seen = None, f"the catalogue could not be polled: {exc}"
        context.log.warning(seen)
    if marker is not None:
        requests.append(
            dg.RunRequest(job_name=load_sector_plan_catalogue.name, run_key=f"catalogue:{marker}")
        )
    existing = set(context.instance.get_dynamic_partitions(sector_plans.name))
    requested: dict[str, str | None] = json.loads(context.cursor) if context.cursor else {}
    new_keys = []
    for key, version in catalogue_plans(context.instance).items():
        if key in existing and requested.setdefault(key, version) == version:
            continue  # loaded (or failed) already, and its documents did not change
        if key not in existing:
            new_keys.append(key)
            context.log.info(f"new plan {key}")
        else:
            context.log.info(f"plan {key} changed in the catalogue")
        requested[key] = version
        requests.append(
            dg.RunRequest(
                job_name=load_sector_plan.name,
                run_key=f"plan:{key}:{version}",
                partition_key=key,
                tags={PLAN_TAG: key},
            )
        )
    cursor = json.dumps(requested, sort_keys=True)
    if not requests:
        return dg.SensorResult(skip_reason=f"{seen}; no new or changed plans", cursor=cursor)
    return dg.SensorResult(
        run_requests=requests,
        cursor=cursor,
        dynamic_partitions_requests=[sector_plans.build_add_request(new_keys)] if new_keys else [],
    )


def build_catalogue_sensor(interval_seconds: int) -> dg.SensorDefinition:
    @dg.sensor(
        name="sector_plans_catalogue_sensor",
        jobs=[load_sector_plan_catalogue, load_sector_plan],
        minimum_interval_seconds=interval_seconds,
        default_status=sensor_status(),  # LT_LIVE_SOURCES
        description="Polls the Planipolis catalogue with a conditional request (ETag / "
        "Last-Modified): requests a catalogue load when it changed, and one partition and run "
        "per new plan of the focus countries.",
    )
    def sector_plans_catalogue_sensor(
        context: dg.SensorEvaluationContext, planipolis: PlanipolisResource
    ):
        return evaluate_catalogue(context, planipolis)

    return sector_plans_catalogue_sensor
