"""The sector-plans part of `make run`: the bundled demo Planipolis site
(`sample_data/sector_plans/site/`) served on a free local port, no network.

The catalogue comes from the demo export file (its doc_ids and canonical Planipolis URLs do not
depend on the port, so a second run changes nothing); every document is downloaded over HTTP
from the local server. The same jobs and sensor as the UI: catalogue run, sensor tick (new
plans become partitions), one run per new plan.
"""

from pathlib import Path

import dagster as dg

from sources.static_server import serve_folder

from ..make_run.sensor_ticks import sensor_context
from ..operations.run_failures import failure_message
from ..settings import SECTOR_PLANS_SAMPLE_DIR
from .assets import OUTCOME_TAG
from .jobs import load_sector_plan_catalogue
from .partitions import sector_plans
from .resources import PlanipolisResource
from .sensor import PLAN_TAG, evaluate_catalogue

DEMO_SITE = SECTOR_PLANS_SAMPLE_DIR / "site"
DEMO_EXPORT = SECTOR_PLANS_SAMPLE_DIR / "planipolis_catalogue_export.csv"


def demo_resource(planipolis: PlanipolisResource, base_url: str) -> PlanipolisResource:
    """The configured resource pointed at the local demo server and the demo export."""
    return PlanipolisResource(
        **{
            **planipolis.model_dump(),
            "base_url": base_url,
            "catalogue_export": planipolis.catalogue_export or str(DEMO_EXPORT),
            "min_interval_seconds": 0.0,
        }
    )


def tick_catalogue_sensor(
    instance: dg.DagsterInstance, planipolis: PlanipolisResource, cursor: str | None = None
) -> dg.SensorResult:
    """Evaluate the catalogue sensor once and register the partitions it asks for."""
    with sensor_context(instance, cursor) as context:
        result = evaluate_catalogue(context, planipolis)
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(sector_plans.name, list(request.partition_keys))
    return result


def run_sector_plans(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    log_level: str = "INFO",
    tags: dict[str, str] | None = None,
    outcome=None,
    site: Path = DEMO_SITE,
) -> dict[str, dict]:
    """Serve the demo site, tick the sensor, run what it asks (catalogue first, then the new
    plans), tick again for the plans the catalogue just listed. Returns, per run, its key (the
    plan key, or `catalogue`) -> {ok, status, error}; with `outcome` (the make run driver's
    PipelineOutcome) each run is also recorded there, so `make run` reports a failed plan."""
    outcomes: dict[str, dict] = {}
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    with serve_folder(site) as base_url:
        planipolis = demo_resource(defs.resources["planipolis"], base_url)
        resources = {"planipolis": planipolis}
        for _ in range(2):  # the second tick sees the plans the first catalogue run listed
            tick = tick_catalogue_sensor(instance, planipolis)
            for request in tick.run_requests or []:
                catalogue = request.job_name == load_sector_plan_catalogue.name
                job = defs.resolve_job_def(request.job_name)
                run = job.execute_in_process(
                    run_config=run_config,
                    instance=instance,
                    partition_key=None if catalogue else request.partition_key,
                    tags={**request.tags, **(tags or {})},
                    resources=resources,
                    raise_on_error=False,
                )
                key = (
                    "catalogue" if catalogue else request.tags.get(PLAN_TAG, request.partition_key)
                )
                status = instance.get_run_by_id(run.run_id).tags.get(OUTCOME_TAG)
                if catalogue and run.success:
                    status = "loaded"
                outcomes[key] = {
                    "ok": run.success,
                    "status": status,
                    "error": None if run.success else failure_message(run),
                }
    if outcome is not None:
        from ..make_run.driver import FileOutcome

        for key, result in outcomes.items():
            outcome.ingested[f"sector_plans:{key}"] = FileOutcome(
                file=f"sector plan {key}", **result
            )
    return outcomes
