"""The sensors and schedules that call live web services start stopped unless LT_LIVE_SOURCES=on;
those reading only local files or the instance start on. The network source steps retry with
Dagster's exponential backoff."""

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.instance import INSTANCE_HOMES
from pipelines.settings import REPO_ROOT, Settings

RAW_RECORDS = ["raw", "programme_records"]

LIVE = {
    "sector_plans_catalogue_sensor",
    "sector_plans_daily",
    "literature_daily_harvest",
    "worldbank_weekly",
}


def _statuses(defs: dg.Definitions) -> dict[str, str]:
    items = [*defs.sensors, *defs.schedules]
    return {item.name: item.default_status.value for item in items}


@pytest.mark.parametrize(("value", "live_status"), [(None, "STOPPED"), ("on", "RUNNING")])
def test_live_sources_start_stopped_unless_turned_on(monkeypatch, value, live_status):
    if value is None:
        monkeypatch.delenv("LT_LIVE_SOURCES", raising=False)
    else:
        monkeypatch.setenv("LT_LIVE_SOURCES", value)
    statuses = _statuses(build_definitions(Settings.from_env()))
    assert {name: statuses[name] for name in LIVE} == dict.fromkeys(LIVE, live_status)
    local = {name: status for name, status in statuses.items() if name not in LIVE}
    assert {"alert_on_run_failure", "alert_on_check_failure"} <= set(local)
    assert set(local.values()) == {"RUNNING"}


def test_network_source_steps_retry_with_exponential_backoff():
    graph = build_definitions(Settings.from_env()).resolve_asset_graph()
    # the network steps, and the ingest that waits for the warehouse lock
    for key in (["harvest", "eric_pages"], ["raw", "sector_plan_documents"], RAW_RECORDS):
        policy = graph.assets_def_for_key(dg.AssetKey(key)).op.retry_policy
        assert policy.backoff == dg.Backoff.EXPONENTIAL and policy.max_retries >= 2
    plans = graph.assets_def_for_key(dg.AssetKey(["raw", "sector_plan_pages"])).op
    assert plans.retry_policy.backoff == dg.Backoff.EXPONENTIAL


@pytest.mark.parametrize("name", sorted(INSTANCE_HOMES))
def test_the_instance_retries_runs_that_died_not_failed_steps(name, tmp_path):
    """Both instances launch a run again when it died (the steps' own policies retried what
    failed in them: those runs are not retried twice)."""
    import yaml

    config = yaml.safe_load((REPO_ROOT / INSTANCE_HOMES[name] / "dagster.yaml").read_text())
    assert config["run_retries"] == {
        "enabled": True,
        "max_retries": 3,
        "retry_on_asset_or_op_failure": False,
    }
    assert config["run_monitoring"]["enabled"]
