"""Watch the landing folder: every new file (new content hash) becomes a dynamic partition and a
run of the ingest job. The same bytes twice, under any name, do nothing."""

import dagster as dg

from sources.programme_records.files import archive, ready_files

from ..jobs import ingest_programme_records
from ..partitions import programme_record_files
from ..resources import LandingResource

FILE_NAME_TAG = "learning_teams/file_name"


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
        new = {}
        for landed in files:
            if landed.sha256 in known or landed.sha256 in new:
                continue
            # Archive before the run: the partition's bytes stay available even if the
            # organisation replaces or removes the landing file.
            archive(landed, landing.archive_path)
            new[landed.sha256] = landed
        if not new:
            return dg.SkipReason(
                f"{len(files)} file(s) in {landing.landing_path}, none with new content"
            )
        for sha256, landed in new.items():
            context.log.info(f"new file {landed.name} ({sha256})")
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=sha256,
                    partition_key=sha256,
                    tags={FILE_NAME_TAG: landed.name},
                )
                for sha256, landed in new.items()
            ],
            dynamic_partitions_requests=[programme_record_files.build_add_request(list(new))],
        )

    return programme_records_landing_sensor
