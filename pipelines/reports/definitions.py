"""The reports stage: its assets, the job that makes them, and the sensor that runs the job
after each publish."""

import dagster as dg

from .assets import PUBLISHED, report_assets

make_reports = dg.define_asset_job(
    name="make_reports",
    selection=dg.AssetSelection.assets(*report_assets),
    description="Country-profile exports and pictures from the published copy.",
)


@dg.asset_sensor(
    asset_key=PUBLISHED,
    job=make_reports,
    name="reports_after_publish",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def reports_after_publish(context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry):
    """Each publish makes the reports again from the new published copy."""
    yield dg.RunRequest(run_key=f"{asset_event.run_id}@{asset_event.timestamp}")


def build_defs() -> dg.Definitions:
    return dg.Definitions(
        assets=report_assets, jobs=[make_reports], sensors=[reports_after_publish]
    )
