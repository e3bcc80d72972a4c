"""Drive the pipeline in-process through the real sensor, jobs and checks: what `make run` does,
and what the end-to-end tests exercise. Runs are recorded in the given Dagster instance."""

import os
from dataclasses import dataclass, field

import dagster as dg

from .partitions import programme_record_files
from .sensors.landing import FILE_NAME_TAG

LANDING_SENSOR = "programme_records_landing_sensor"
LAUNCHED_BY_TAG = "learning_teams/launched_by"
PID_TAG = "learning_teams/pid"


def _local_tags() -> dict[str, str]:
    return {LAUNCHED_BY_TAG: "local_run", PID_TAG: str(os.getpid())}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_orphaned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the in-process runs whose process died (e.g. an interrupted `make run`) and free the
    warehouse-pool slots they held; otherwise the next run would wait for those slots forever."""
    released = []
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={LAUNCHED_BY_TAG: "local_run"},
        )
    )
    for run in runs:
        pid = int(run.tags.get(PID_TAG, "0"))
        if pid and pid != os.getpid() and not _alive(pid):
            instance.report_run_failed(run, f"process {pid} ended before the run finished")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            released.append(run.run_id)
    return released


def _run_config(log_level: str) -> dict:
    return {"loggers": {"console": {"config": {"log_level": log_level}}}}


@dataclass
class PipelineOutcome:
    ingested: dict[str, bool] = field(default_factory=dict)  # file name -> run succeeded
    skip_reason: str | None = None
    released_runs: list[str] = field(default_factory=list)
    build: dg.ExecuteInProcessResult | None = None

    @property
    def failed_checks(self) -> list[str]:
        if self.build is None:
            return []
        return [
            e.check_name
            for e in self.build.get_asset_check_evaluations()
            if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
        ]

    @property
    def success(self) -> bool:
        ingested_ok = all(self.ingested.values())
        built_ok = self.build is None or (self.build.success and not self.failed_checks)
        return ingested_ok and built_ok


def tick_landing_sensor(defs: dg.Definitions, instance: dg.DagsterInstance):
    """Evaluate the landing sensor once and register the partitions it asks for."""
    sensor = defs.resolve_sensor_def(LANDING_SENSOR)
    with dg.build_sensor_context(
        instance=instance, definitions=defs, resources={"landing": defs.resources["landing"]}
    ) as context:
        result = sensor(context)
    if isinstance(result, dg.SensorResult):
        for request in result.dynamic_partitions_requests or []:
            instance.add_dynamic_partitions(
                programme_record_files.name, list(request.partition_keys)
            )
    return result


def ingest(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    request: dg.RunRequest,
    log_level: str = "INFO",
):
    return defs.resolve_job_def("ingest_programme_records").execute_in_process(
        run_config=_run_config(log_level),
        instance=instance,
        partition_key=request.partition_key,
        tags={**request.tags, **_local_tags()},
        raise_on_error=False,
    )


def build(
    defs: dg.Definitions, instance: dg.DagsterInstance, log_level: str = "INFO"
) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def("build_warehouse").execute_in_process(
        run_config=_run_config(log_level),
        instance=instance,
        tags=_local_tags(),
        raise_on_error=False,
    )


def run_pipeline(
    defs: dg.Definitions, instance: dg.DagsterInstance, log_level: str = "INFO"
) -> PipelineOutcome:
    """Sensor tick -> one ingest run per new file -> one build_warehouse run."""
    outcome = PipelineOutcome(released_runs=release_orphaned_runs(instance))
    tick = tick_landing_sensor(defs, instance)
    if isinstance(tick, dg.SensorResult):
        for request in tick.run_requests or []:
            run = ingest(defs, instance, request, log_level)
            outcome.ingested[request.tags[FILE_NAME_TAG]] = run.success
    else:
        outcome.skip_reason = getattr(tick, "skip_message", None)
    outcome.build = build(defs, instance, log_level)
    return outcome
