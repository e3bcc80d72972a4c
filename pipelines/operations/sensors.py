"""The alert sensors: every failed run, and every failed asset-check evaluation of severity
ERROR (a WARN check is shown in the UI, not alerted), becomes an alert (pipelines/operations/
alerts.py). Both are on by default: they read only the Dagster instance."""

from __future__ import annotations

import dagster as dg
from dagster._core.event_api import EventRecordsFilter
from dagster._core.events import DagsterEventType

from ..run_failures import step_failure_message
from .alerts import Alert, raise_alert

CHECK_BATCH = 500


def run_failure_alert(run: dg.DagsterRun, events) -> Alert:
    message = step_failure_message(events) or "the run failed"
    return Alert(
        alert_id=f"run:{run.run_id}",
        kind="run_failure",
        subject=run.job_name,
        message=message,
        run_id=run.run_id,
        job_name=run.job_name,
    )


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Records an alert (ops.alerts, a log line, LT_ALERT_WEBHOOK_URL) for every "
    "failed run.",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext):
    raise_alert(run_failure_alert(context.dagster_run, context.get_step_failure_events()))


def failed_check_alerts(
    instance: dg.DagsterInstance, after: int | None
) -> tuple[list[Alert], int | None]:
    """(alerts for the failed ERROR-severity check evaluations stored after storage id
    `after`, the last storage id read)."""
    records = instance.event_log_storage.get_event_records(
        EventRecordsFilter(event_type=DagsterEventType.ASSET_CHECK_EVALUATION, after_cursor=after),
        limit=CHECK_BATCH,
        ascending=True,
    )
    alerts = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        subject = f"{evaluation.asset_key.to_user_string()} {evaluation.check_name}"
        if evaluation.partition:
            subject += f" [{evaluation.partition}]"
        alerts.append(
            Alert(
                alert_id=f"check:{record.storage_id}",
                kind="check_failure",
                subject=subject,
                message=evaluation.description or "the check failed",
                run_id=record.run_id,
                job_name=record.event_log_entry.job_name,
            )
        )
    last = records[-1].storage_id if records else after
    return alerts, last


@dg.sensor(
    name="alert_on_check_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Records an alert (ops.alerts, a log line, LT_ALERT_WEBHOOK_URL) for every "
    "failed asset check of severity ERROR (dbt tests, GE suites, audits).",
)
def alert_on_check_failure(context: dg.SensorEvaluationContext):
    after = int(context.cursor) if context.cursor else None
    if after is None:
        # First tick: start from now, not from the whole history of the instance.
        latest = context.instance.event_log_storage.get_event_records(
            EventRecordsFilter(event_type=DagsterEventType.ASSET_CHECK_EVALUATION),
            limit=1,
            ascending=False,
        )
        after = latest[0].storage_id if latest else 0
    alerts, last = failed_check_alerts(context.instance, after)
    for alert in alerts:
        raise_alert(alert)
    context.update_cursor(str(last))
    if not alerts:
        return dg.SkipReason("no failed checks since the last tick")
    return dg.SkipReason(f"{len(alerts)} failed checks alerted")


def build_defs() -> dg.Definitions:
    return dg.Definitions(sensors=[alert_on_run_failure, alert_on_check_failure])
