"""Drive the pipeline in-process through the real sensor, jobs and checks: what `make run` does,
and what the end-to-end tests exercise. Runs are recorded in the given Dagster instance."""

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from .programme_records.partitions import programme_record_files
from .programme_records.sensor import FILE_NAME_TAG, evaluate_landing
from .sector_plans.local import run_sector_plans

LANDING_SENSOR = "programme_records_landing_sensor"
LAUNCHED_BY_TAG = "learning_teams/launched_by"
PID_TAG = "learning_teams/pid"
CURSOR_FILE = ".local_run_cursor.json"


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
class FileOutcome:
    file: str
    ok: bool
    status: str | None = None
    error: str | None = None


@dataclass
class PipelineOutcome:
    ingested: dict[str, FileOutcome] = field(default_factory=dict)  # partition -> outcome
    skip_reason: str | None = None
    released_runs: list[str] = field(default_factory=list)
    build: dg.ExecuteInProcessResult | None = None

    @property
    def failed_checks(self) -> list[str]:
        if self.build is None:
            return []
        return [
            f"{e.asset_key.to_user_string()}:{e.check_name}"
            for e in self.build.get_asset_check_evaluations()
            if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
        ]

    @property
    def failed_files(self) -> list[FileOutcome]:
        return [o for o in self.ingested.values() if not o.ok]

    @property
    def build_ok(self) -> bool:
        return self.build is None or (self.build.success and not self.failed_checks)

    @property
    def success(self) -> bool:
        return not self.failed_files and self.build_ok


def _cursor_path(defs: dg.Definitions) -> Path:
    return Path(defs.resources["landing"].archive_dir) / CURSOR_FILE


def tick_landing_sensor(defs: dg.Definitions, instance: dg.DagsterInstance, retry_now=True):
    """Evaluate the landing sensor once (keeping its cursor beside the archive) and register the
    partitions it asks for."""
    landing = defs.resources["landing"]
    cursor_file = _cursor_path(defs)
    cursor = cursor_file.read_text(encoding="utf-8") if cursor_file.is_file() else None
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        result = evaluate_landing(context, landing, retry_now=retry_now)
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(programme_record_files.name, list(request.partition_keys))
    if result.cursor:
        cursor_file.parent.mkdir(parents=True, exist_ok=True)
        cursor_file.write_text(result.cursor, encoding="utf-8")
    return result


def _failure_message(run: dg.ExecuteInProcessResult) -> str:
    for event in run.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            message = error.message if error else event.message
            return message.strip().splitlines()[-1] if message else "step failed"
    return "the run failed"


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


def record_entries(defs: dg.Definitions, instance: dg.DagsterInstance, log_level: str = "INFO"):
    return defs.resolve_job_def("record_landing_entries").execute_in_process(
        run_config=_run_config(log_level),
        instance=instance,
        tags=_local_tags(),
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
    """Sensor tick -> one ingest run per new (or retried) file -> landing journal -> one
    build_warehouse run (candidate build, checks, promote and publish only if all passed)."""
    outcome = PipelineOutcome(released_runs=release_orphaned_runs(instance))
    tick = tick_landing_sensor(defs, instance)
    for request in tick.run_requests or []:
        if request.job_name != "ingest_programme_records":
            continue
        run = ingest(defs, instance, request, log_level)
        status = instance.get_run_by_id(run.run_id).tags.get("learning_teams/outcome")
        outcome.ingested[request.partition_key] = FileOutcome(
            file=request.tags.get(FILE_NAME_TAG, request.partition_key),
            ok=run.success,
            status=status,
            error=None if run.success else _failure_message(run),
        )
    if not tick.run_requests:
        outcome.skip_reason = tick.skip_reason.skip_message if tick.skip_reason else None
    record_entries(defs, instance, log_level)
    literature = defs.resolve_job_def("load_literature").execute_in_process(
        run_config=_run_config(log_level),
        instance=instance,
        tags=_local_tags(),
        raise_on_error=False,
    )
    if not literature.success:
        outcome.ingested["literature"] = FileOutcome(
            file="literature pages", ok=False, error=_failure_message(literature)
        )
    run_sector_plans(defs, instance, log_level, tags=_local_tags(), outcome=outcome)
    outcome.build = build(defs, instance, log_level)
    return outcome
