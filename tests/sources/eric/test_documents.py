"""ERIC harvesting against a local server replaying the genuine recorded ERIC document inside
pages built in the documented envelope: start/rows paging to numFound, faults and resume, and
the raw landing of the real document's fields."""

from __future__ import annotations

import copy
import json

import duckdb
from werkzeug import Request, Response

from sources.eric import FIELDS, eric_settings, harvest_eric
from sources.literature.loader import load_literature_pages
from sources.literature.queries import LiteratureQuery
from sources.literature.raw_store import RawStore
from tests.sources.literature.helpers import FakeTime, eric_page, make_client, real_eric_response

QUERY = LiteratureQuery(id="lesson_study", description="test", eric_search='"lesson study"')


def real_doc() -> dict:
    return real_eric_response()["response"]["docs"][0]


def doc_variant(number: int) -> dict:
    doc = copy.deepcopy(real_doc())
    doc["id"] = f"EJ{9000000 + number}"
    doc["title"] = f"Lesson Study &amp; Teacher Learning, Part {number}"
    del doc["description"]  # absent, not null
    doc["peerreviewed"] = "F"
    return doc


class Replay:
    def __init__(self, pages: dict[str, dict], faults: dict[str, list] | None = None):
        self.pages, self.faults, self.requests = pages, faults or {}, []

    def __call__(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.requests.append(args)
        pending = self.faults.get(args.get("start"))
        if pending:
            return pending.pop(0)
        return Response(json.dumps(self.pages[args["start"]]), content_type="application/json")


def five_docs() -> dict[str, dict]:
    docs = [real_doc()] + [doc_variant(n) for n in range(1, 5)]
    return {str(s): eric_page(docs[s : s + 2], s, 5) for s in (0, 2, 4)}


def harvest(httpserver, tmp_path, replay, *, rows="2", **kwargs):
    httpserver.expect_request("/eric/").respond_with_handler(replay)
    settings = eric_settings(
        {"LT_ERIC_BASE_URL": httpserver.url_for("/eric/"), "LT_ERIC_ROWS": rows}
    )
    return harvest_eric(
        QUERY,
        client=make_client(FakeTime(), max_retries=1),
        store=RawStore(tmp_path / "raw"),
        settings=settings,
        **kwargs,
    )


def test_pages_with_start_and_rows_until_num_found(httpserver, tmp_path):
    replay = Replay(five_docs())
    result = harvest(httpserver, tmp_path, replay, run_id="run1")
    assert (result.status, result.pages, result.records) == ("complete", 3, 5)
    assert [r["start"] for r in replay.requests] == ["0", "2", "4"]
    first = replay.requests[0]
    assert (first["format"], first["rows"], first["search"]) == ("json", "2", '"lesson study"')
    assert first["fields"] == ",".join(FIELDS)


def test_the_recorded_response_stops_at_an_empty_page_whatever_num_found_says(httpserver, tmp_path):
    # The recorded file was trimmed to 1 doc but still says numFound 56.
    replay = Replay({"0": real_eric_response(), "1": eric_page([], 1, 56)})
    result = harvest(httpserver, tmp_path, replay, rows="200")
    assert [r["start"] for r in replay.requests] == ["0", "1"]
    assert (result.status, result.records) == ("complete", 1)


def test_server_error_stops_and_the_next_run_resumes_at_that_offset(httpserver, tmp_path):
    broken = [Response("down", status=503) for _ in range(2)]
    first = harvest(httpserver, tmp_path, Replay(five_docs(), {"2": broken}), run_id="run1")
    assert (first.status, first.records, first.state["resume_at"]) == ("interrupted", 2, "2")
    assert "HTTP 503" in first.problems[0]

    httpserver.clear()
    replay = Replay(five_docs())
    second = harvest(httpserver, tmp_path, replay, state=first.state, run_id="run2")
    assert [r["start"] for r in replay.requests] == ["2", "4"]
    assert second.status == "complete" and second.state["resume_at"] is None


def test_html_instead_of_json_is_quarantined(httpserver, tmp_path):
    html = Response("<html><body>Service Unavailable</body></html>", content_type="text/html")
    result = harvest(httpserver, tmp_path, Replay(five_docs(), {"4": [html]}), run_id="run1")
    assert result.status == "interrupted" and result.records == 4
    assert "an HTML page" in result.problems[0]
    con = duckdb.connect()
    load = load_literature_pages(con, tmp_path / "raw")
    assert (load.eric_documents, load.quarantined_pages) == (4, 1)
    assert con.execute(
        "SELECT source, page_position FROM raw.literature_quarantine"
    ).fetchall() == [("eric", "4")]


def test_real_document_lands_with_every_field(httpserver, tmp_path):
    harvest(httpserver, tmp_path, Replay(five_docs()))
    con = duckdb.connect()
    load_literature_pages(con, tmp_path / "raw")
    real = real_doc()
    row = con.execute(
        """SELECT title, author, description, subject, publicationtype, publicationdateyear,
                  language, issn, publisher, peerreviewed, educationlevel, _position, _page
           FROM raw.eric_documents WHERE id = ?""",
        [real["id"]],
    ).fetchone()
    assert row == (
        real["title"],
        real["author"],
        real["description"],
        real["subject"],
        real["publicationtype"],
        2021,
        real["language"],
        ["EISSN-2618-6586"],
        real["publisher"],
        "T",
        None,
        1,
        1,
    )
    absent = con.execute(
        "SELECT description, peerreviewed FROM raw.eric_documents WHERE id = 'EJ9000001'"
    ).fetchone()
    assert absent == (None, "F")
