"""Poll the Planipolis catalogue cheaply; add a partition and request a run for each new plan.

A tick does two things:

1. **Poll.** A conditional GET of the first listing page (the ETag/Last-Modified that the last
   successful catalogue load remembered, in the polite client's validator store). HTTP 304 means
   unchanged: nothing is requested. Any other answer requests a catalogue run, keyed by the
   answer's validators so that one change gives one run. With an export file configured, the
   file's SHA-256 is compared with the one the last catalogue load recorded.
2. **New plans.** The latest catalogue materialisation lists the plans to load (focus
   countries, or all). Plans that are not yet a partition of `sector_plans` become one, each
   with a run. A plan whose run failed is not requested again (it needs a person: see the
   run, raw.sector_plans_quarantine and `dim_sector_plan.load_status`).

The daily schedule `sector_plans_daily` loads the catalogue whatever the poll says (fallback
for a site whose validators lie, or a sensor that was stopped).
"""

import hashlib

import dagster as dg

from sources.http_client import HttpError

from .assets import PLAN_KEYS_METADATA, RAW_DOCUMENTS, SOURCE_SHA256_METADATA
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


def catalogue_plan_keys(instance: dg.DagsterInstance) -> list[str]:
    """The plans listed by the latest catalogue materialisation (none before the first)."""
    return list(_latest_metadata(instance, PLAN_KEYS_METADATA) or [])


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
    new_keys = [key for key in catalogue_plan_keys(context.instance) if key not in existing]
    for key in new_keys:
        context.log.info(f"new plan {key}")
        requests.append(
            dg.RunRequest(
                job_name=load_sector_plan.name,
                run_key=f"plan:{key}",
                partition_key=key,
                tags={PLAN_TAG: key},
            )
        )
    if not requests:
        return dg.SensorResult(skip_reason=f"{seen}; no new plans")
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[sector_plans.build_add_request(new_keys)] if new_keys else [],
    )


def build_catalogue_sensor(interval_seconds: int) -> dg.SensorDefinition:
    @dg.sensor(
        name="sector_plans_catalogue_sensor",
        jobs=[load_sector_plan_catalogue, load_sector_plan],
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Polls the Planipolis catalogue with a conditional request (ETag / "
        "Last-Modified): requests a catalogue load when it changed, and one partition and run "
        "per new plan of the focus countries.",
    )
    def sector_plans_catalogue_sensor(
        context: dg.SensorEvaluationContext, planipolis: PlanipolisResource
    ):
        return evaluate_catalogue(context, planipolis)

    return sector_plans_catalogue_sensor
