"""Harvesting every query from both sources: one failing source does not stop the other, and
the states returned make the next call resume or go incremental."""

from __future__ import annotations

import json

from werkzeug import Request, Response

from sources.literature.queries import LiteratureQuery
from sources.literature.raw_store import RawStore
from sources.literature.run import harvest_literature
from tests.sources.literature.helpers import (
    FakeTime,
    eric_page,
    make_client,
    openalex_page,
    real_eric_response,
    real_openalex_work,
)

QUERIES = [
    LiteratureQuery("lesson_study", "", openalex_search="lesson study", eric_search="lesson"),
    LiteratureQuery("eric_only", "", eric_search="triads"),
]


def test_every_query_and_source_runs_and_returns_its_state(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("LT_OPENALEX_BASE_URL", httpserver.url_for("/oa"))
    monkeypatch.setenv("LT_ERIC_BASE_URL", httpserver.url_for("/eric/"))
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    httpserver.expect_request("/oa/works").respond_with_response(Response("down", status=500))
    docs = real_eric_response()["response"]["docs"]

    def eric(request: Request) -> Response:
        return Response(json.dumps(eric_page(docs, 0, 1)), content_type="application/json")

    httpserver.expect_request("/eric/").respond_with_handler(eric)
    store = RawStore(tmp_path / "raw")
    first = harvest_literature(QUERIES, client=make_client(FakeTime(), max_retries=0), store=store)

    statuses = {(r.source, r.query_id): r.status for r in first.results}
    assert statuses == {
        ("openalex", "lesson_study"): "interrupted",
        ("eric", "lesson_study"): "complete",
        ("openalex", "eric_only"): "skipped",
        ("eric", "eric_only"): "complete",
    }
    assert not first.complete and "HTTP 500" in first.problems[0]
    assert first.states["openalex/lesson_study"]["resume_at"] == "*"

    httpserver.clear()
    httpserver.expect_request("/oa/works").respond_with_json(
        openalex_page([real_openalex_work()], None, 1)
    )
    httpserver.expect_request("/eric/").respond_with_handler(eric)
    second = harvest_literature(
        QUERIES,
        client=make_client(FakeTime()),
        store=store,
        states=first.states,
        sources=["openalex"],
    )
    assert second.complete
    assert second.states["openalex/lesson_study"]["updated_since"] == "2025-06-11T00:03:37.532706"
    assert second.states["eric/lesson_study"] == first.states["eric/lesson_study"]
