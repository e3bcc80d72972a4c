"""The harvest job through Dagster (harvest multi-asset, then raw_literature), against a local
server replaying pages built around the genuine recorded OpenAlex work and ERIC response: a bad
page keeps the works already fetched, the next run (a fresh Definitions and instance, as after a
restart) resumes from the last good cursor, later runs are incremental, full refresh is one
config switch, and a missing OpenAlex key skips OpenAlex visibly."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import dagster as dg
import duckdb
import pytest
from werkzeug import Request, Response

from pipelines.definitions import build_definitions
from pipelines.literature.harvest import COMPLETE_CHECK, HARVEST_KEYS, HARVEST_OP
from pipelines.settings import Settings
from sources.literature.state import StateFile
from tests.pipelines.in_memory import in_memory_instance
from tests.sources.literature.helpers import (
    eric_page,
    openalex_page,
    real_eric_response,
    work_variant,
)

QUERIES = """queries:
  - id: lesson_study
    description: Lesson study.
    openalex:
      search: '"lesson study"'
    eric:
      search: '"lesson study"'
"""


class Replay:
    """OpenAlex: cursor * -> W1 (next c2); c2 -> an HTML error page while `broken`, else W2
    (last page). With `from_updated_date` in the filter: no works (nothing changed)."""

    def __init__(self) -> None:
        self.broken = True
        self.openalex: list[dict[str, str]] = []
        self.eric = 0

    def works(self, request: Request) -> Response:
        params = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items()}
        self.openalex.append(params)
        if "from_updated_date" in params.get("filter", ""):
            page = openalex_page([], None, 0)
        elif params["cursor"] == "*":
            page = openalex_page([work_variant(1, updated="2026-03-01T00:00:00")], "c2", 2)
        elif self.broken:
            return Response("<html><body>502 Bad Gateway</body></html>", content_type="text/html")
        else:
            page = openalex_page([work_variant(2, updated="2026-03-02T00:00:00")], None, 2)
        return Response(json.dumps(page), content_type="application/json")

    def documents(self, request: Request) -> Response:
        self.eric += 1
        docs = real_eric_response()["response"]["docs"]
        return Response(json.dumps(eric_page(docs, 0, 1)), content_type="application/json")


@pytest.fixture
def replay(httpserver, tmp_path, monkeypatch):
    queries = tmp_path / "queries.yaml"
    queries.write_text(QUERIES, encoding="utf-8")
    for key, value in {
        "LT_WAREHOUSE_PATH": str(tmp_path / "warehouse" / "learning_teams.duckdb"),
        "LT_PUBLISH_DIR": str(tmp_path / "warehouse" / "published"),
        "LT_LITERATURE_RAW_DIR": str(tmp_path / "raw"),
        "LT_LITERATURE_QUERIES": str(queries),
        "LT_OPENALEX_BASE_URL": httpserver.url_for("/oa"),
        "LT_ERIC_BASE_URL": httpserver.url_for("/eric/"),
        "OPENALEX_API_KEY": "test-key",
        "LT_HTTP_MIN_INTERVAL_SECONDS": "0",
        "LT_HTTP_MAX_RETRIES": "0",
    }.items():
        monkeypatch.setenv(key, value)
    server = Replay()
    httpserver.expect_request("/oa/works").respond_with_handler(server.works)
    httpserver.expect_request("/eric/").respond_with_handler(server.documents)
    return server


def run_harvest(full_refresh: bool = False) -> dg.ExecuteInProcessResult:
    """One scheduled-style run in a fresh Definitions object and instance (a restart)."""
    defs = build_definitions(Settings.from_env())
    config = {"ops": {HARVEST_OP: {"config": {"full_refresh": full_refresh}}}}
    with in_memory_instance() as instance:
        return defs.resolve_job_def("harvest_literature").execute_in_process(
            run_config=config, instance=instance, raise_on_error=False
        )


def checks(result) -> dict[str, bool]:
    return {
        e.asset_key.to_user_string(): e.passed
        for e in result.get_asset_check_evaluations()
        if e.check_name == COMPLETE_CHECK
    }


def warehouse_rows(sql: str):
    con = duckdb.connect(str(Settings.from_env().warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def state(key: str) -> dict:
    return StateFile.in_store(Settings.from_env().literature_raw_dir).load()[key]


def test_a_bad_page_keeps_fetched_works_and_the_next_run_resumes_there(replay):
    first = run_harvest()
    assert first.success
    assert checks(first) == {"harvest/openalex_pages": False, "harvest/eric_pages": True}
    assert warehouse_rows("SELECT id FROM raw.openalex_works") == [("https://openalex.org/W1",)]
    (reason,) = warehouse_rows("SELECT reason FROM raw.literature_quarantine")[0]
    assert "HTML page" in reason
    assert state("openalex/lesson_study")["resume_at"] == "c2"
    assert all(params["api_key"] == "test-key" for params in replay.openalex)

    replay.broken = False
    replay.openalex.clear()
    second = run_harvest()
    assert second.success and all(checks(second).values())
    assert [params["cursor"] for params in replay.openalex] == ["c2"]  # not from the start
    assert warehouse_rows("SELECT id FROM raw.openalex_works ORDER BY id") == [
        ("https://openalex.org/W1",),
        ("https://openalex.org/W2",),
    ]
    after = state("openalex/lesson_study")
    assert (after["resume_at"], after["updated_since"]) == (None, "2026-03-02T00:00:00")
    openalex = next(
        e.materialization
        for e in second.get_asset_materialization_events()
        if e.asset_key == HARVEST_KEYS["openalex"]
    )
    assert openalex.metadata["records"].value == 1

    replay.openalex.clear()
    assert run_harvest().success
    assert [(p["cursor"], p["filter"]) for p in replay.openalex] == [
        ("*", "from_updated_date:2026-03-02T00:00:00")
    ]

    replay.openalex.clear()
    assert run_harvest(full_refresh=True).success
    assert [p["cursor"] for p in replay.openalex] == ["*", "c2"]
    assert all("filter" not in p for p in replay.openalex)
    (works,) = warehouse_rows("SELECT count(DISTINCT id) FROM raw.openalex_works")[0]
    assert works == 2


def test_without_an_openalex_key_openalex_is_skipped_visibly_and_eric_still_runs(
    replay, monkeypatch
):
    monkeypatch.setenv("OPENALEX_API_KEY", "  ")
    result = run_harvest()
    assert result.success
    assert not replay.openalex and replay.eric == 1
    (openalex,) = [
        e for e in result.get_asset_check_evaluations() if e.asset_key == HARVEST_KEYS["openalex"]
    ]
    assert not openalex.passed and "OPENALEX_API_KEY is not set" in openalex.description
    materialized = {
        e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()
    }
    assert "OPENALEX_API_KEY" in materialized[HARVEST_KEYS["openalex"]]["skipped"].value
    assert materialized[HARVEST_KEYS["eric"]]["records"].value == 1
    assert warehouse_rows("SELECT count(*) FROM raw.eric_documents") == [(1,)]


def test_harvest_has_its_own_pool_and_the_load_is_in_the_warehouse_pool():
    from pipelines.literature.assets import raw_literature
    from pipelines.literature.harvest import HARVEST_POOL, harvest_literature_pages
    from pipelines.warehouse.resource import WAREHOUSE_POOL

    assert harvest_literature_pages.op.pool == HARVEST_POOL != WAREHOUSE_POOL
    assert raw_literature.op.pool == WAREHOUSE_POOL
    for key in raw_literature.keys:
        assert set(HARVEST_KEYS.values()) <= set(raw_literature.asset_deps[key])


def test_daily_schedule_runs_the_harvest_job_stopped_unless_live_sources_on(monkeypatch):
    from pipelines.literature.jobs import harvest_schedule

    monkeypatch.delenv("LT_LITERATURE_HARVEST_CRON", raising=False)
    monkeypatch.delenv("LT_LIVE_SOURCES", raising=False)
    schedule = harvest_schedule()
    assert (schedule.job_name, schedule.cron_schedule) == ("harvest_literature", "0 5 * * *")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    monkeypatch.setenv("LT_LIVE_SOURCES", "on")
    monkeypatch.setenv("LT_LITERATURE_HARVEST_CRON", "30 2 * * *")
    schedule = harvest_schedule()
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.cron_schedule == "30 2 * * *"
