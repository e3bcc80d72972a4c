"""Drive the pipeline in-process through the real sensor, jobs and checks: what `make run` does,
and what the end-to-end tests exercise. Runs are recorded in the given Dagster instance."""

import fcntl
import io
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from sources.processes import is_alive
from sources.programme_records.faults import fault_point
from sources.programme_records.loader import WHOLE_FILE_REJECTED

from ..operations.run_failures import failure_message
from ..programme_records.partitions import programme_record_files
from ..programme_records.sensor import FILE_NAME_TAG, evaluate_landing, reconcile_archive
from ..sector_plans.local import run_sector_plans
from ..warehouse.build_inputs import BuildPlan, plan_build
from ..worldbank.local import run_worldbank
from .progress import Display
from .sensor_ticks import sensor_context

LANDING_SENSOR = "programme_records_landing_sensor"
LAUNCHED_BY_TAG = "learning_teams/launched_by"
PID_TAG = "learning_teams/pid"
CURSOR_FILE = ".local_run_cursor.json"
RUN_LOCK = ".make_run.lock"
WAITING_FOR_ANOTHER_RUN = "another make run is under way: waiting for it to finish"
PUBLISHED_KEY = dg.AssetKey(["published", "warehouse"])


def _local_tags() -> dict[str, str]:
    return {LAUNCHED_BY_TAG: "local_run", PID_TAG: str(os.getpid())}


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
        if pid and pid != os.getpid() and not is_alive(pid):
            instance.report_run_failed(run, f"process {pid} ended before the run finished")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            released.append(run.run_id)
    return released


def _run_config(log_level: str) -> dict:
    return {"loggers": {"console": {"config": {"log_level": log_level}}}}


def run_job(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    job_name: str,
    log_level: str = "INFO",
    tags: dict[str, str] | None = None,
    **options,
) -> dg.ExecuteInProcessResult:
    """Run a job in this process as `make run` does: its log level, tagged as launched here
    (so a run whose process died is found and released), failures returned, not raised."""
    return defs.resolve_job_def(job_name).execute_in_process(
        run_config=_run_config(log_level),
        instance=instance,
        tags={**(tags or {}), **_local_tags()},
        raise_on_error=False,
        **options,
    )


@dataclass
class FileOutcome:
    file: str
    ok: bool
    status: str | None = None
    error: str | None = None
    rows_loaded: int | None = None
    rows_quarantined: int | None = None
    top_reasons: str | None = None
    root_cause: str | None = None
    """The first reason a rejected file's rows were quarantined for (None when not rejected)."""

    @property
    def cause(self) -> str:
        """Why the file needs attention, without its name (so files can be grouped by it)."""
        if not self.ok:
            text = re.sub(r"^[\w.]+(Error|Failure|Exception): ", "", self.error or "the run failed")
            name = self.file.rsplit("/", 1)[-1]
            for prefix in (f"{self.file}: ", f"{name}: "):  # the asset's message names the file
                text = text.removeprefix(prefix)
            return text
        cause = self.root_cause or (self.status or "ok").replace("_", " ")
        return cause.removeprefix(WHOLE_FILE_REJECTED)

    def describe(self) -> str:
        if not self.ok:
            return f"NEEDS ATTENTION: {self.error}"
        counts = ""
        if self.rows_loaded is not None:
            counts = f": {self.rows_loaded} rows"
            if self.rows_quarantined:
                counts += f", {self.rows_quarantined} quarantined ({self.top_reasons})"
        return f"{(self.status or 'ok').replace('_', ' ')}{counts}"


@dataclass
class PipelineOutcome:
    ingested: dict[str, FileOutcome] = field(default_factory=dict)  # partition -> outcome
    skip_reason: str | None = None
    released_runs: list[str] = field(default_factory=list)
    build: dg.ExecuteInProcessResult | None = None
    build_plan: BuildPlan | None = None
    reports: dg.ExecuteInProcessResult | None = None
    log_file: Path | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

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
    def needs_attention(self) -> list[FileOutcome]:
        """Files that failed, or whose every row was rejected."""
        return [o for o in self.ingested.values() if not o.ok or o.status == "rejected"]

    @property
    def build_ok(self) -> bool:
        return self.build is None or (self.build.success and not self.failed_checks)

    @property
    def success(self) -> bool:
        reports_ok = self.reports is None or self.reports.success
        return not self.needs_attention and self.build_ok and reports_ok


def _cursor_path(defs: dg.Definitions) -> Path:
    return Path(defs.resources["landing"].archive_dir) / CURSOR_FILE


def tick_landing_sensor(
    defs: dg.Definitions, instance: dg.DagsterInstance, retry_now=True, fast_path=False
):
    """Evaluate the landing sensor once (keeping its cursor beside the archive) and register the
    partitions it asks for. `make run` takes the batch path (one build after every file);
    `fast_path` is what the sensor does under `dagster dev`."""
    landing = defs.resources["landing"]
    cursor_file = _cursor_path(defs)
    cursor = cursor_file.read_text(encoding="utf-8") if cursor_file.is_file() else None
    with sensor_context(instance, cursor) as context:
        result = evaluate_landing(context, landing, retry_now=retry_now, fast_path=fast_path)
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(programme_record_files.name, list(request.partition_keys))
    if result.cursor:
        cursor_file.parent.mkdir(parents=True, exist_ok=True)
        cursor_file.write_text(result.cursor, encoding="utf-8")
    return result


def ingest(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    request: dg.RunRequest,
    log_level: str = "INFO",
):
    """Run the ingest run the landing sensor requested (its job: an ingest, or an ingest and
    publish)."""
    job = request.job_name or "ingest_programme_records"
    return run_job(
        defs, instance, job, log_level, request.tags, partition_key=request.partition_key
    )


def record_entries(defs: dg.Definitions, instance: dg.DagsterInstance, log_level: str = "INFO"):
    return run_job(defs, instance, "record_landing_entries", log_level)


def build(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    log_level: str = "INFO",
    asset_keys: list[dg.AssetKey] | None = None,
) -> dg.ExecuteInProcessResult:
    """Run build_warehouse: everything, or only `asset_keys` (a partial build)."""
    return run_job(defs, instance, "build_warehouse", log_level, asset_selection=asset_keys or None)


def reports_due(defs: dg.Definitions, outcome: PipelineOutcome) -> bool:
    """After a build that published, or when the reports are missing or older than the
    published copy (a run that published without them, or whose reports failed)."""
    if outcome.build is not None:
        done = {e.asset_key for e in outcome.build.get_asset_materialization_events()}
        if PUBLISHED_KEY in done:
            return True
    reports = defs.resources["reports"]
    published = Path(reports.published_path)
    index = Path(reports.reports_dir) / "index.html"
    if not published.exists():
        return False
    return not index.exists() or index.stat().st_mtime_ns < published.stat().st_mtime_ns


def make_reports(
    defs: dg.Definitions, instance: dg.DagsterInstance, log_level: str = "INFO"
) -> dg.ExecuteInProcessResult:
    """Run make_reports: the exports and pictures from the published copy."""
    return run_job(defs, instance, "make_reports", log_level)


def plan_next_build(defs: dg.Definitions) -> BuildPlan:
    """What the warehouse build has to do now: nothing, the part downstream of the raw tables
    that changed, or everything (see pipelines/warehouse/build_inputs.py)."""
    from ..warehouse.dbt_assets import warehouse_dbt_assets

    warehouse = defs.resources["warehouse"]
    published = Path(warehouse.publish_dir) / warehouse.live_path.name
    return plan_build(
        warehouse.live_path,
        published,
        warehouse_dbt_assets.asset_deps,
        downstream_extra=[PUBLISHED_KEY],
    )


def _file_outcome(request: dg.RunRequest, run: dg.ExecuteInProcessResult, instance) -> FileOutcome:
    status = instance.get_run_by_id(run.run_id).tags.get("learning_teams/outcome")
    outcome = FileOutcome(
        file=request.tags.get(FILE_NAME_TAG, request.partition_key),
        ok=run.success,
        status=status,
        error=None if run.success else failure_message(run),
    )
    for event in run.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        metadata = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
        name = materialization.asset_key.path[-1]
        if name == "programme_records":
            outcome.rows_loaded = metadata.get("dagster/row_count")
        elif name == "programme_records_quarantine":
            outcome.rows_quarantined = metadata.get("dagster/row_count")
            outcome.top_reasons = metadata.get("top_reasons")
            outcome.root_cause = metadata.get("root_cause")
    return outcome


def write_run_log(instance: dg.DagsterInstance, run_ids: list[str], log_file: Path) -> None:
    """Every Dagster event of the given runs, one line each: the detail behind the short
    progress display."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as out:
        for run_id in run_ids:
            for entry in instance.all_logs(run_id):
                when = datetime.fromtimestamp(entry.timestamp, UTC).isoformat(timespec="seconds")
                level = logging.getLevelName(entry.level)
                step = entry.step_key or "-"
                event = entry.dagster_event
                message = entry.message or (event.message if event else "")
                out.write(f"{when} {level:<7} {entry.job_name} {run_id[:8]} {step} {message}\n")


@contextmanager
def one_run_at_a_time(archive_dir: Path, display: Display) -> Iterator[None]:
    """One `make run` at a time (a lock file beside the archive, let go when the process ends,
    however it ends). A second `make run` started meanwhile waits, then finds what the first
    left: without it, it would ask again for the deliveries the first has journalled but not
    yet run (loaded twice: the same rows, but two runs each) and build the same inputs a second
    time beside the first."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    with (archive_dir / RUN_LOCK).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            display.event(WAITING_FOR_ANOTHER_RUN)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run_pipeline(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    log_level: str = "INFO",
    display: Display | None = None,
    reports: bool = True,
) -> PipelineOutcome:
    """Sensor tick -> one ingest run per new (or retried) file -> landing journal -> literature
    pages -> sector plans -> World Bank indicators -> the warehouse build the inputs call for
    (none, partial or full: candidate build, checks, promote and publish only if all passed) ->
    the reports, after a publish (`reports=False` leaves them to the next run that publishes
    or finds none). One at a time (`one_run_at_a_time`)."""
    display = display or Display(io.StringIO())
    archive_dir = Path(defs.resources["landing"].archive_dir)
    with one_run_at_a_time(archive_dir, display):
        outcome = PipelineOutcome(released_runs=release_orphaned_runs(instance))
        run_ids: list[str] = []
        _load_landing(defs, instance, log_level, display, outcome, run_ids)
        _load_sources(defs, instance, log_level, display, outcome, run_ids)
        _build_and_report(defs, instance, log_level, display, reports, outcome, run_ids)
    return outcome


def _load_landing(defs, instance, log_level, display, outcome, run_ids) -> None:
    """Reconcile the archive, tick the landing sensor, run the ingests it asks for."""
    archive_dir = Path(defs.resources["landing"].archive_dir)
    # On start: every archived delivery has its journal line (and then its run, below).
    reconcile_archive(archive_dir)
    with display.step("landing folder") as step:
        tick = tick_landing_sensor(defs, instance)
        requests = [r for r in tick.run_requests or [] if r.job_name == "ingest_programme_records"]
        step.detail = f"{len(requests)} file(s) to load" if requests else "nothing new"
    if not requests:
        outcome.skip_reason = tick.skip_reason.skip_message if tick.skip_reason else None
    for request in requests:
        label = f"ingest {request.tags.get(FILE_NAME_TAG, request.partition_key)}"
        with display.step(label) as step:
            fault_point("ingest.before_run")
            run = ingest(defs, instance, request, log_level)
            run_ids.append(run.run_id)
            file_outcome = _file_outcome(request, run, instance)
            outcome.ingested[request.partition_key] = file_outcome
            step.detail = file_outcome.describe()


def _run_source_job(defs, instance, log_level, display, outcome, run_ids, job_name, label):
    """One unpartitioned load job as a step of its own; a failed run is reported by name."""
    with display.step(label) as step:
        result = run_job(defs, instance, job_name, log_level)
        run_ids.append(result.run_id)
        step.detail = "ok" if result.success else "NEEDS ATTENTION"
    if not result.success:
        outcome.ingested[label] = FileOutcome(file=label, ok=False, error=failure_message(result))


def _load_sources(defs, instance, log_level, display, outcome, run_ids) -> None:
    """The landing journal, then the other sources (each a run or a few)."""
    with display.step("landing journal"):
        run_ids.append(record_entries(defs, instance, log_level).run_id)
    for job_name, label in (
        ("load_literature", "literature pages"),
        ("load_theme_reviews", "theme reviews"),
    ):
        _run_source_job(defs, instance, log_level, display, outcome, run_ids, job_name, label)
    with display.step("sector plans (demo site)") as step:
        plans = run_sector_plans(defs, instance, log_level, tags=_local_tags(), outcome=outcome)
        failed = [key for key, result in plans.items() if not result["ok"]]
        step.detail = f"{len(plans)} run(s)" + (
            f", NEEDS ATTENTION: {', '.join(failed)}" if failed else ""
        )
    with display.step("World Bank indicators (demo API + bulk CSV)") as step:
        indicators = run_worldbank(defs, instance, log_level, tags=_local_tags(), outcome=outcome)
        failed = [key for key, result in indicators.items() if not result["ok"]]
        ran = sum(result["ran"] for result in indicators.values())
        step.detail = (f"{ran} run(s)" if ran else "nothing new") + (
            f", NEEDS ATTENTION: {', '.join(failed)}" if failed else ""
        )


def _build_and_report(defs, instance, log_level, display, reports, outcome, run_ids) -> None:
    """The build the inputs call for, the reports when due, and the run log."""
    outcome.build_plan = plan = plan_next_build(defs)
    if plan.kind == "none":
        display.event(f"build: {plan.reason}; dbt not run")
    else:
        scope = "full" if plan.kind == "full" else f"{len(plan.asset_keys)} assets"
        with display.step(f"build ({scope}: {plan.reason})") as step:
            outcome.build = build(defs, instance, log_level, plan.asset_keys or None)
            run_ids.append(outcome.build.run_id)
            step.detail = "ok" if outcome.build_ok else "FAILED"
    if reports and reports_due(defs, outcome):
        with display.step("reports (exports, pictures)") as step:
            outcome.reports = make_reports(defs, instance, log_level)
            run_ids.append(outcome.reports.run_id)
            index = Path(defs.resources["reports"].reports_dir) / "index.html"
            step.detail = str(index) if outcome.reports.success else "FAILED"
    log_dir = Path(defs.resources["warehouse"].log_path)
    outcome.log_file = log_dir / f"run_{datetime.now(UTC):%Y%m%dT%H%M%S}.log"
    write_run_log(instance, run_ids, outcome.log_file)
