"""The production instance (deploy/production/dagster.yaml) on a real PostgreSQL server: the
sector-plans pipeline runs against it, and its runs, materialisations and check results are
rows in PostgreSQL, which a second instance opened from the same file reads back."""

import dagster as dg
import psycopg2
import pytest

from pipelines.definitions import build_definitions
from pipelines.instance import default_dagster_home
from pipelines.sector_plans.assets import AUDIT_CHECK, RAW_DOCUMENTS, RAW_PAGES
from pipelines.sector_plans.partitions import sector_plans
from sources.static_server import serve_folder
from tests.pipelines.sector_plans.conftest import plan_env, site_copy

from .conftest import PRODUCTION_HOME

GHANA = "GHA/education-strategic-plan-2018-2030-6512"


def _rows(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg2.connect(url) as con, con.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def test_lt_dagster_instance_selects_the_home(monkeypatch):
    monkeypatch.delenv("LT_DAGSTER_INSTANCE", raising=False)
    assert default_dagster_home().name == "dagster_home"
    monkeypatch.setenv("LT_DAGSTER_INSTANCE", "production")
    assert default_dagster_home() == PRODUCTION_HOME
    monkeypatch.setenv("LT_DAGSTER_INSTANCE", "prod")
    with pytest.raises(ValueError, match="LT_DAGSTER_INSTANCE"):
        default_dagster_home()


def test_production_instance_is_postgres_with_a_run_queue_and_pool_limits(production_instance):
    instance, _ = production_instance
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
    assert instance.freshness_enabled


def test_pipeline_runs_are_recorded_in_postgres(production_instance, tmp_path, monkeypatch):
    instance, url = production_instance
    with serve_folder(site_copy(tmp_path)) as base_url:
        defs = build_definitions(plan_env(tmp_path, monkeypatch, base_url, all_countries=False))
        catalogue = defs.resolve_job_def("load_sector_plan_catalogue")
        assert catalogue.execute_in_process(instance=instance).success
        instance.add_dynamic_partitions(sector_plans.name, [GHANA])
        plan = defs.resolve_job_def("load_sector_plan").execute_in_process(
            instance=instance, partition_key=GHANA
        )
    assert plan.success

    runs = dict(_rows(url, "SELECT run_id, status FROM runs"))
    assert runs[plan.run_id] == "SUCCESS" and len(runs) >= 2
    materialised = {
        key
        for (key,) in _rows(
            url,
            "SELECT asset_key FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'",
        )
    }
    assert {RAW_DOCUMENTS.to_string(), RAW_PAGES.to_string()} <= materialised
    checks = _rows(
        url,
        "SELECT check_name, run_id, execution_status FROM asset_check_executions "
        "WHERE asset_key = %s",
        [RAW_PAGES.to_string()],
    )
    assert checks == [(AUDIT_CHECK, plan.run_id, "SUCCEEDED")]
    assert _rows(url, "SELECT partition FROM dynamic_partitions") == [(GHANA,)]

    # Another process (the webserver, the daemon) opening the same file sees the same history.
    with dg.DagsterInstance.from_config(str(instance.root_directory)) as other:
        record = other.get_latest_materialization_event(RAW_PAGES)
        assert record is not None and record.run_id == plan.run_id
        assert other.get_run_by_id(plan.run_id).status == dg.DagsterRunStatus.SUCCESS
