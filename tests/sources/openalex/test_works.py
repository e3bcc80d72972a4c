"""OpenAlex harvesting against a local server replaying the genuine recorded work inside list
pages built in the documented envelope: cursor walk, incremental filter, API key handling, and
faults (401, 429, 500, timeout, truncated body, HTML error page) with resume."""

from __future__ import annotations

import json
import time

import duckdb
import pytest
from werkzeug import Request, Response

from sources.literature.loader import load_literature_pages
from sources.literature.queries import LiteratureQuery
from sources.literature.raw_store import RawStore
from sources.openalex import SELECT_FIELDS, harvest_openalex, openalex_settings
from tests.sources.literature.helpers import (
    FakeTime,
    make_client,
    openalex_page,
    real_openalex_work,
    work_variant,
)

QUERY = LiteratureQuery(
    id="teacher_collaboration",
    description="test",
    openalex_search='"teacher collaboration"',
    openalex_filter="type:article",
)
KEY = "s3cret-key-123"


class Replay:
    """Serves pages by cursor; `faults` maps a cursor to a list of responses served first."""

    def __init__(self, pages: dict[str, dict], faults: dict[str, list] | None = None):
        self.pages = pages
        self.faults = faults or {}
        self.requests: list[dict] = []

    def __call__(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.requests.append(args)
        cursor = args.get("cursor")
        pending = self.faults.get(cursor)
        if pending:
            fault = pending.pop(0)
            return fault if isinstance(fault, Response) else fault()
        return Response(json.dumps(self.pages[cursor]), content_type="application/json")


def three_pages() -> dict[str, dict]:
    return {
        "*": openalex_page([real_openalex_work(), work_variant(1)], "c1", 5),
        "c1": openalex_page([work_variant(2), work_variant(3)], "c2", 5),
        "c2": openalex_page([work_variant(4, updated="2026-03-02T10:00:00.000001")], None, 5),
    }


def harvest(httpserver, tmp_path, replay, *, state=None, key=KEY, fake=None, **kwargs):
    httpserver.expect_request("/works").respond_with_handler(replay)
    settings = openalex_settings(
        {"LT_OPENALEX_BASE_URL": httpserver.url_for(""), "OPENALEX_API_KEY": key}
    )
    return harvest_openalex(
        QUERY,
        client=kwargs.pop("client", None) or make_client(fake or FakeTime(), max_retries=1),
        store=RawStore(tmp_path / "raw"),
        state=state,
        settings=settings,
        **kwargs,
    )


def test_cursor_walk_stores_every_page_with_a_manifest(httpserver, tmp_path):
    replay = Replay(three_pages())
    result = harvest(httpserver, tmp_path, replay, run_id="run1")

    assert (result.status, result.pages, result.records) == ("complete", 3, 5)
    assert [r["cursor"] for r in replay.requests] == ["*", "c1", "c2"]
    first = replay.requests[0]
    assert first["per-page"] == "200"
    assert first["select"] == ",".join(SELECT_FIELDS)
    assert first["filter"] == "type:article"
    assert first["search"] == '"teacher collaboration"'
    assert first["api_key"] == KEY
    assert "mailto" not in first
    folder = tmp_path / "raw" / "openalex" / "teacher_collaboration" / "run1"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [p["file"] for p in manifest["pages"]] == [
        "page-0001.json",
        "page-0002.json",
        "page-0003.json",
    ]
    assert [p["position"] for p in manifest["pages"]] == ["*", "c1", "c2"]
    assert all(KEY not in p["url"] and "api_key=REDACTED" in p["url"] for p in manifest["pages"])
    assert KEY not in (folder / "manifest.json").read_text()
    assert result.state["updated_since"] == "2026-03-02T10:00:00.000001"
    assert result.state["resume_at"] is None


def test_blank_api_key_is_never_sent(httpserver, tmp_path):
    replay = Replay(three_pages())
    harvest(httpserver, tmp_path, replay, key="   ")
    assert all("api_key" not in r for r in replay.requests)


def test_incremental_run_asks_only_for_works_updated_since_the_last_run(httpserver, tmp_path):
    first = harvest(httpserver, tmp_path, Replay(three_pages()), run_id="run1")
    replay = Replay({"*": openalex_page([work_variant(9)], None, 1)})
    httpserver.clear()
    second = harvest(httpserver, tmp_path, replay, state=first.state, run_id="run2")
    assert (
        replay.requests[0]["filter"] == "type:article,from_updated_date:2026-03-02T10:00:00.000001"
    )
    assert second.status == "complete"

    replay = Replay({"*": openalex_page([], None, 0)})
    httpserver.clear()
    harvest(httpserver, tmp_path, replay, state=second.state, full_refresh=True, run_id="run3")
    assert replay.requests[0]["filter"] == "type:article"


def test_bad_key_401_is_quarantined_with_a_clear_reason(httpserver, tmp_path):
    error = Response(
        json.dumps({"error": "Invalid API key", "message": "check your key"}),
        status=401,
        content_type="application/json",
    )
    replay = Replay(three_pages(), {"*": [error]})
    result = harvest(httpserver, tmp_path, replay, run_id="run1")

    assert result.status == "interrupted"
    assert result.pages == 0
    assert len(replay.requests) == 1  # a 401 is not retried
    assert "HTTP 401" in result.problems[0] and "at '*'" in result.problems[0]
    assert KEY not in result.problems[0]
    assert result.state["resume_at"] == "*"
    con = duckdb.connect()
    load = load_literature_pages(con, tmp_path / "raw")
    assert (load.pages_loaded, load.quarantined_pages, load.openalex_works) == (1, 1, 0)
    file, position, reason = con.execute(
        "SELECT file, page_position, reason FROM raw.literature_quarantine"
    ).fetchone()
    assert (file, position) == (None, "*")
    assert "HTTP 401" in reason and KEY not in reason


def test_429_is_retried_after_the_announced_wait(httpserver, tmp_path):
    limited = Response("slow down", status=429, headers={"Retry-After": "7"})
    fake = FakeTime()
    replay = Replay(three_pages(), {"c1": [limited]})
    result = harvest(httpserver, tmp_path, replay, fake=fake)
    assert result.status == "complete" and result.records == 5
    assert 7 in fake.sleeps
    assert [r["cursor"] for r in replay.requests] == ["*", "c1", "c1", "c2"]


def test_rate_limit_headers_slow_the_client_before_the_budget_runs_out(httpserver, tmp_path):
    pages = three_pages()
    fake = FakeTime()

    def last_request_of_the_window():
        return Response(
            json.dumps(pages["*"]),
            content_type="application/json",
            headers={
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "1",
                "X-RateLimit-Reset": "30",
            },
        )

    replay = Replay(pages, {"*": [last_request_of_the_window]})
    result = harvest(httpserver, tmp_path, replay, fake=fake)
    assert result.status == "complete"
    assert fake.sleeps and fake.sleeps[0] == pytest.approx(30)


def test_persistent_500_stops_the_run_and_the_next_run_resumes_at_that_cursor(httpserver, tmp_path):
    broken = [Response("oops", status=500) for _ in range(2)]
    first = harvest(httpserver, tmp_path, Replay(three_pages(), {"c1": broken}), run_id="run1")
    assert (first.status, first.pages, first.records) == ("interrupted", 1, 2)
    assert first.state["resume_at"] == "c1"
    assert "HTTP 500" in first.problems[0]

    httpserver.clear()
    replay = Replay(three_pages())
    second = harvest(httpserver, tmp_path, replay, state=first.state, run_id="run2")
    assert [r["cursor"] for r in replay.requests] == ["c1", "c2"]
    assert (second.status, second.records) == ("complete", 3)
    assert second.state["resume_at"] is None


def test_timeout_is_quarantined(httpserver, tmp_path):
    def too_slow():
        time.sleep(0.6)
        return Response(json.dumps(three_pages()["c1"]), content_type="application/json")

    client = make_client(FakeTime(), max_retries=0, timeout_seconds=0.2)
    result = harvest(httpserver, tmp_path, Replay(three_pages(), {"c1": [too_slow]}), client=client)
    assert result.status == "interrupted"
    assert "Timeout" in result.problems[0] or "timed out" in result.problems[0]
    assert result.state["resume_at"] == "c1"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (lambda: json.dumps(three_pages()["c1"])[:5000], "not JSON"),
        (
            lambda: "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
            "an HTML page",
        ),
        (lambda: json.dumps({"error": "x"}), "no 'results' list"),
    ],
    ids=["truncated", "html", "error-envelope"],
)
def test_bad_page_is_quarantined_good_pages_kept_and_the_rerun_resumes(
    httpserver, tmp_path, body, expected
):
    def bad():
        return Response(body(), status=200, content_type="application/json")

    first = harvest(httpserver, tmp_path, Replay(three_pages(), {"c1": [bad]}), run_id="run1")
    assert first.status == "interrupted"
    assert expected in first.problems[0]
    folder = tmp_path / "raw" / "openalex" / "teacher_collaboration" / "run1"
    assert (folder / "page-0002.bad").read_text() == body()
    assert first.state["resume_at"] == "c1"

    httpserver.clear()
    replay = Replay(three_pages())
    second = harvest(httpserver, tmp_path, replay, state=first.state, run_id="run2")
    assert [r["cursor"] for r in replay.requests] == ["c1", "c2"]

    con = duckdb.connect()
    load = load_literature_pages(con, tmp_path / "raw")
    assert (load.openalex_works, load.quarantined_pages) == (5, 1)
    assert con.execute("SELECT count(DISTINCT id) FROM raw.openalex_works").fetchone() == (5,)
    quarantined = con.execute(
        "SELECT query_id, run_id, page_position, reason FROM raw.literature_quarantine"
    ).fetchall()
    assert quarantined[0][:3] == ("teacher_collaboration", "run1", "c1")
    assert expected in quarantined[0][3]
    assert second.status == "complete"


def test_real_work_lands_typed_with_its_abstract_rebuilt(httpserver, tmp_path):
    harvest(httpserver, tmp_path, Replay(three_pages()))
    con = duckdb.connect()
    load_literature_pages(con, tmp_path / "raw")
    row = con.execute(
        """SELECT doi, publication_year, len(authorships), authorships[1].author.display_name,
                  authorships[1].institutions[1].country_code, open_access.oa_status,
                  cited_by_count, len(referenced_works), primary_topic.display_name,
                  abstract, _page, _position, _page_position, _query_id
           FROM raw.openalex_works WHERE id = 'https://openalex.org/W2741809807'"""
    ).fetchone()
    real = real_openalex_work()
    assert row[:9] == (
        real["doi"],
        2018,
        9,
        "Heather Piwowar",
        "US",
        "gold",
        real["cited_by_count"],
        len(real["referenced_works"]),
        real["primary_topic"]["display_name"],
    )
    words = sorted(
        (p, w) for w, positions in real["abstract_inverted_index"].items() for p in positions
    )
    assert row[9] == " ".join(w for _, w in words)
    assert row[9].startswith("Despite growing interest in Open Access")
    assert row[10:] == (1, 1, "*", "teacher_collaboration")
