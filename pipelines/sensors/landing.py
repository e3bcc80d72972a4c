"""Watch the landing folder: every new file (new content hash) becomes a dynamic partition and a
run of the ingest job. The same bytes twice, under any name, do nothing. A file whose run died
before loading it (e.g. the process was killed) is requested again, up to MAX_ATTEMPTS runs."""

import dagster as dg

from sources.programme_records.files import archive, ready_files

from ..assets.programme_records import RAW_FILES
from ..jobs import ingest_programme_records
from ..partitions import programme_record_files
from ..resources import LandingResource

FILE_NAME_TAG = "learning_teams/file_name"
MAX_ATTEMPTS = 3
IN_FLIGHT = {
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
}


def _attempts(instance: dg.DagsterInstance, sha256: str) -> tuple[int, bool]:
    """(ingest runs so far for this file, whether one of them is still queued or running)."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            job_name=ingest_programme_records.name, tags={"dagster/partition": sha256}
        )
    )
    return len(runs), any(run.status in IN_FLIGHT for run in runs)


def build_landing_sensor(interval_seconds: int) -> dg.SensorDefinition:
    @dg.sensor(
        name="programme_records_landing_sensor",
        job=ingest_programme_records,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests one ingest run per new file in the programme-records landing folder.",
    )
    def programme_records_landing_sensor(
        context: dg.SensorEvaluationContext, landing: LandingResource
    ):
        files = ready_files(landing.landing_path, landing.settle_seconds)
        known = set(context.instance.get_dynamic_partitions(programme_record_files.name))
        loaded = context.instance.get_materialized_partitions(RAW_FILES) if known else set()
        new, attempt = {}, {}
        for landed in files:
            sha256 = landed.sha256
            if sha256 in loaded or sha256 in new:
                continue
            runs, in_flight = _attempts(context.instance, sha256) if sha256 in known else (0, False)
            if in_flight:
                continue
            if runs >= MAX_ATTEMPTS:
                context.log.warning(
                    f"{landed.name} ({sha256}) failed to load in {runs} runs; not retrying. "
                    "Fix the cause, then materialise its partition from the UI."
                )
                continue
            # Archive before the run: the partition's bytes stay available even if the
            # organisation replaces or removes the landing file.
            archive(landed, landing.archive_path)
            new[sha256], attempt[sha256] = landed, runs + 1
        if not new:
            return dg.SkipReason(
                f"{len(files)} file(s) in {landing.landing_path}, none with new content"
            )
        for sha256, landed in new.items():
            context.log.info(f"new file {landed.name} ({sha256})")
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=f"{sha256}:{attempt[sha256]}",
                    partition_key=sha256,
                    tags={FILE_NAME_TAG: landed.name},
                )
                for sha256, landed in new.items()
            ],
            dynamic_partitions_requests=[programme_record_files.build_add_request(unregistered)]
            if (unregistered := [k for k in new if k not in known])
            else [],
        )

    return programme_records_landing_sensor
