"""Harvest ERIC documents for one literature query (`GET <base>/?search=…&format=json`).

Pages with `start`/`rows` until `start` reaches `response.numFound`, asking only for the fields
the warehouse uses. ERIC has no "changed since" filter, so every complete run fetches the whole
result set again (they are small; staging keeps the latest copy of each document); a run that
stopped on a bad page resumes from that page's offset. Absent fields stay absent in the raw
pages and HTML entities stay escaped: staging unescapes them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..http_client import base_url_from_env
from ..literature.harvest import (
    HarvestResult,
    HttpGetter,
    PageError,
    ParsedPage,
    json_body,
    walk_pages,
)
from ..literature.queries import LiteratureQuery
from ..literature.raw_store import RawStore, new_run_id
from ..literature.state import QueryState

SOURCE = "eric"
DEFAULT_BASE_URL = "https://api.ies.ed.gov/eric/"
DEFAULT_ROWS = 200
FIELDS = (
    "id",
    "title",
    "author",
    "description",
    "subject",
    "publicationtype",
    "publicationdateyear",
    "language",
    "issn",
    "isbn",
    "source",
    "publisher",
    "peerreviewed",
    "educationlevel",
    "url",
    "e_fulltextauth",
)


@dataclass(frozen=True)
class EricSettings:
    base_url: str
    rows: int


def eric_settings(environ: Mapping[str, str] | None = None) -> EricSettings:
    """LT_ERIC_BASE_URL (default https://api.ies.ed.gov/eric/) and LT_ERIC_ROWS (200)."""
    env = os.environ if environ is None else environ
    rows = int((env.get("LT_ERIC_ROWS") or "").strip() or DEFAULT_ROWS)
    if not 1 <= rows <= 2000:
        raise ValueError(f"LT_ERIC_ROWS={rows} must be between 1 and 2000")
    return EricSettings(base_url_from_env("LT_ERIC_BASE_URL", DEFAULT_BASE_URL, env) + "/", rows)


def parse_documents_page(body: bytes) -> ParsedPage:
    """Check an ERIC page (`{"response": {"numFound", "start", "docs": [...]}}`)."""
    page = json_body(body, "ERIC page")
    response = page.get("response") if isinstance(page, dict) else None
    if not isinstance(response, dict) or not isinstance(response.get("docs"), list):
        raise PageError("ERIC page: no 'response.docs' list")
    found, start = response.get("numFound"), response.get("start")
    if not isinstance(found, int) or not isinstance(start, int):
        raise PageError("ERIC page: 'numFound' and 'start' must be integers")
    docs = response["docs"]
    if not all(isinstance(doc, dict) for doc in docs):
        raise PageError("ERIC page: 'docs' holds something other than objects")
    end = start + len(docs)
    return ParsedPage(len(docs), str(end) if docs and end < found else None)


def harvest_eric(
    query: LiteratureQuery,
    *,
    client: HttpGetter,
    store: RawStore,
    state: dict | None = None,
    full_refresh: bool = False,
    settings: EricSettings | None = None,
    run_id: str | None = None,
    max_pages: int | None = None,
) -> HarvestResult:
    """Fetch the ERIC documents of `query` into raw page files (resuming a stopped run)."""
    settings = settings or eric_settings()
    current = QueryState.from_dict(state, source=SOURCE, query_id=query.id)
    run_id = run_id or new_run_id()
    if not query.eric_search:
        return HarvestResult(SOURCE, query.id, run_id, "skipped", state=current.to_dict())
    resuming = current.resume_at is not None and not full_refresh
    base = {
        "search": query.eric_search,
        "format": "json",
        "rows": str(settings.rows),
        "fields": ",".join(FIELDS),
    }
    writer = store.start_run(SOURCE, query.id, run_id, {**base, "resumed_from": current.resume_at})
    walk = walk_pages(
        client=client,
        writer=writer,
        url=settings.base_url,
        start=current.resume_at if resuming else "0",
        params_for=lambda start: {**base, "start": start},
        parse=parse_documents_page,
        max_pages=max_pages,
    )
    current.last_run_id, current.last_status = run_id, walk.status
    if walk.status == "complete":
        current.resume_at = current.resume_run_id = None
    else:
        current.resume_at, current.resume_run_id = walk.stopped_at, run_id
    return HarvestResult(
        SOURCE,
        query.id,
        run_id,
        walk.status,
        walk.pages,
        walk.records,
        current.to_dict(),
        walk.problems,
    )
