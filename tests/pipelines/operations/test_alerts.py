"""Alerts: a failed run and a failed ERROR check each become one row in ops.alerts, one log
line and one webhook POST (a local HTTP server); a WARN check, a passing check and a second
evaluation of the same tick add nothing. On the production instance the table is in PostgreSQL."""

import json
import logging
import sqlite3

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType
from werkzeug import Response

from pipelines.operations.alerts import PostgresAlertStore, alert_store
from pipelines.operations.sensors import alert_on_check_failure, alert_on_run_failure


@dg.asset
def broken():
    raise ValueError("the source answered HTTP 503 for page 7")


@dg.asset(
    check_specs=[
        dg.AssetCheckSpec("rows_unique", asset="checked"),
        dg.AssetCheckSpec("rows_recent", asset="checked"),
    ]
)
def checked():
    yield dg.MaterializeResult()
    yield dg.AssetCheckResult(check_name="rows_unique", passed=False, description="2 duplicates")
    yield dg.AssetCheckResult(
        check_name="rows_recent", passed=False, severity=dg.AssetCheckSeverity.WARN
    )


def _failed_run(instance) -> dg.ExecuteInProcessResult:
    job = dg.Definitions(
        assets=[broken], jobs=[dg.define_asset_job("fetch_pages", [broken])]
    ).resolve_job_def("fetch_pages")
    return job.execute_in_process(instance=instance, raise_on_error=False)


def _tick(sensor, instance, run: dg.ExecuteInProcessResult, status: DagsterEventType):
    """Evaluate a run-status sensor on `run`'s status event, as the daemon would."""
    [event] = instance.all_logs(run.run_id, of_type=status)
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=event.dagster_event,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run.run_id),
    )
    if status == DagsterEventType.RUN_FAILURE:
        return sensor(context.for_run_failure())
    return sensor(context)


def _run_failure_tick(instance, run):
    return _tick(alert_on_run_failure, instance, run, DagsterEventType.RUN_FAILURE)


def _success_tick(instance, run):
    return _tick(alert_on_check_failure, instance, run, DagsterEventType.RUN_SUCCESS)


@pytest.fixture
def webhook(httpserver, monkeypatch, tmp_path):
    httpserver.expect_request("/hook", method="POST").respond_with_response(Response("ok"))
    monkeypatch.setenv("LT_ALERT_WEBHOOK_URL", httpserver.url_for("/hook"))
    monkeypatch.setenv("LT_ALERTS_PATH", str(tmp_path / "ops" / "alerts.sqlite"))
    monkeypatch.delenv("LT_ALERTS_DB_URL", raising=False)
    monkeypatch.delenv("LT_DAGSTER_INSTANCE", raising=False)
    return httpserver


def _posted(httpserver) -> list[dict]:
    return [json.loads(request.data) for request, _ in httpserver.log]


def test_failed_run_is_recorded_logged_and_posted_once(webhook, tmp_path, caplog):
    with dg.instance_for_test() as instance:
        run = _failed_run(instance)
        with caplog.at_level(logging.ERROR, logger="learning_teams.alerts"):
            _run_failure_tick(instance, run)
            _run_failure_tick(instance, run)  # the same failure seen again: nothing new

    with sqlite3.connect(tmp_path / "ops" / "alerts.sqlite") as con:
        rows = con.execute("SELECT kind, subject, run_id, message, webhook_status FROM alerts")
        rows = rows.fetchall()
    assert rows == [
        (
            "run_failure",
            "fetch_pages",
            run.run_id,
            "ValueError: the source answered HTTP 503 for page 7",
            "HTTP 200",
        )
    ]
    [posted] = _posted(webhook)
    assert posted["run_id"] == run.run_id and "HTTP 503 for page 7" in posted["text"]
    assert [r.getMessage() for r in caplog.records] == [
        "ALERT run_failure: fetch_pages: ValueError: the source answered HTTP 503 for page 7"
    ]


def test_failed_error_checks_alert_and_warnings_do_not(webhook):
    with dg.instance_for_test() as instance:
        run = dg.materialize([checked], instance=instance)
        assert "1 failed checks alerted" in _success_tick(instance, run).skip_message
        _success_tick(instance, run)  # the same run seen again: nothing new
    [row] = alert_store().rows()
    assert (row["kind"], row["subject"], row["message"], row["run_id"]) == (
        "check_failure",
        "checked rows_unique",
        "2 duplicates",
        run.run_id,
    )
    assert [p["subject"] for p in _posted(webhook)] == ["checked rows_unique"]


def test_an_unreachable_webhook_is_recorded_not_raised(monkeypatch, tmp_path):
    monkeypatch.setenv("LT_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("LT_ALERTS_PATH", str(tmp_path / "alerts.sqlite"))
    monkeypatch.delenv("LT_DAGSTER_INSTANCE", raising=False)
    with dg.instance_for_test() as instance:
        run = _failed_run(instance)
        _run_failure_tick(instance, run)
    [row] = alert_store().rows()
    assert row["webhook_status"].startswith("failed:")


def test_production_alerts_go_to_the_instance_database(production_instance, monkeypatch):
    instance, url = production_instance
    monkeypatch.setenv("LT_DAGSTER_INSTANCE", "production")
    monkeypatch.setenv("LT_DAGSTER_PG_URL", url)
    monkeypatch.delenv("LT_ALERTS_DB_URL", raising=False)
    monkeypatch.delenv("LT_ALERT_WEBHOOK_URL", raising=False)
    run = _failed_run(instance)
    _run_failure_tick(instance, run)
    store = alert_store()
    assert isinstance(store, PostgresAlertStore)
    assert [(r["kind"], r["run_id"]) for r in store.rows()] == [("run_failure", run.run_id)]
