"""The alert sensors: every failed run, and every failed asset-check evaluation of severity
ERROR in a finished run (a WARN check is shown in the UI, not alerted), becomes an alert
(pipelines/operations/alerts.py). Both are on by default: they read only the Dagster instance."""

from __future__ import annotations

import dagster as dg
from dagster._core.events import DagsterEventType

from .alerts import Alert, raise_alert
from .run_failures import step_failure_message


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


def failed_check_alerts(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[Alert]:
    """Alerts for the failed ERROR-severity check evaluations of `run` (read from the run's
    own events: the local instance's event log is sharded by run)."""
    alerts = []
    for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        subject = f"{evaluation.asset_key.to_user_string()} {evaluation.check_name}"
        if evaluation.partition:
            subject += f" [{evaluation.partition}]"
        alerts.append(
            Alert(
                alert_id=f"check:{run.run_id}:{subject}",
                kind="check_failure",
                subject=subject,
                message=evaluation.description or "the check failed",
                run_id=run.run_id,
                job_name=run.job_name,
            )
        )
    return alerts


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Records an alert (ops.alerts, a log line, LT_ALERT_WEBHOOK_URL) for every "
    "failed run, and for each failed ERROR check in it.",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    raise_alert(run_failure_alert(run, context.get_step_failure_events()))
    for alert in failed_check_alerts(context.instance, run):
        raise_alert(alert)


@dg.run_status_sensor(
    name="alert_on_check_failure",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Records an alert (ops.alerts, a log line, LT_ALERT_WEBHOOK_URL) for every "
    "failed asset check of severity ERROR (dbt tests, GE suites, audits) in a run that "
    "succeeded (a non-blocking check does not fail its run).",
)
def alert_on_check_failure(context: dg.RunStatusSensorContext):
    alerts = failed_check_alerts(context.instance, context.dagster_run)
    for alert in alerts:
        raise_alert(alert)
    if not alerts:
        return dg.SkipReason(f"run {context.dagster_run.run_id}: no failed checks")
    return dg.SkipReason(f"run {context.dagster_run.run_id}: {len(alerts)} failed checks alerted")


def build_defs() -> dg.Definitions:
    return dg.Definitions(sensors=[alert_on_run_failure, alert_on_check_failure])
