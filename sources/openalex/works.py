"""Harvest OpenAlex works for one literature query (`GET /works`, cursor paging).

Each run asks for `per-page=200` pages from `cursor=*`, following `meta.next_cursor` until it
is null or a page is empty, and selects only the fields the warehouse uses. Incremental: a run
adds `from_updated_date:<latest updated_date of the last complete run>`; `full_refresh=True`
drops it. The API key (OPENALEX_API_KEY) is sent as `api_key` only when set and not blank;
the shared client paces requests from the X-RateLimit-* headers and retries 429/5xx.
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

SOURCE = "openalex"
DEFAULT_BASE_URL = "https://api.openalex.org"
PER_PAGE = 200
SELECT_FIELDS = (
    "id",
    "doi",
    "title",
    "display_name",
    "publication_year",
    "publication_date",
    "type",
    "language",
    "primary_location",
    "open_access",
    "authorships",
    "primary_topic",
    "topics",
    "cited_by_count",
    "referenced_works",
    "abstract_inverted_index",
    "updated_date",
)


@dataclass(frozen=True)
class OpenAlexSettings:
    base_url: str
    api_key: str | None

    def __repr__(self) -> str:  # never print the key
        key = "set" if self.api_key else None
        return f"OpenAlexSettings(base_url={self.base_url!r}, api_key={key})"


def openalex_settings(environ: Mapping[str, str] | None = None) -> OpenAlexSettings:
    """LT_OPENALEX_BASE_URL (default https://api.openalex.org) and OPENALEX_API_KEY."""
    env = os.environ if environ is None else environ
    key = (env.get("OPENALEX_API_KEY") or "").strip() or None
    return OpenAlexSettings(base_url_from_env("LT_OPENALEX_BASE_URL", DEFAULT_BASE_URL, env), key)


def parse_works_page(body: bytes) -> ParsedPage:
    """Check an OpenAlex list page (`{"meta": {...}, "results": [...]}`)."""
    page = json_body(body, "OpenAlex works page")
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        keys = sorted(page)[:5] if isinstance(page, dict) else type(page).__name__
        raise PageError(f"OpenAlex works page: no 'results' list (got {keys})")
    meta = page.get("meta")
    if not isinstance(meta, dict):
        raise PageError("OpenAlex works page: no 'meta' object")
    results = page["results"]
    if not all(isinstance(work, dict) for work in results):
        raise PageError("OpenAlex works page: 'results' holds something other than objects")
    updated = [w["updated_date"] for w in results if isinstance(w.get("updated_date"), str)]
    next_cursor = meta.get("next_cursor") if results else None
    return ParsedPage(len(results), next_cursor or None, max(updated, default=None))


def harvest_openalex(
    query: LiteratureQuery,
    *,
    client: HttpGetter,
    store: RawStore,
    state: dict | None = None,
    full_refresh: bool = False,
    settings: OpenAlexSettings | None = None,
    run_id: str | None = None,
    max_pages: int | None = None,
) -> HarvestResult:
    """Fetch the works of `query` changed since the state's cursor into raw page files."""
    settings = settings or openalex_settings()
    current = QueryState.from_dict(state, source=SOURCE, query_id=query.id)
    run_id = run_id or new_run_id()
    if not query.openalex_search:
        return HarvestResult(SOURCE, query.id, run_id, "skipped", state=current.to_dict())
    resuming = current.resume_at is not None and not full_refresh
    since = current.resume_since if resuming else (None if full_refresh else current.updated_since)
    filters = [f for f in (query.openalex_filter, since and f"from_updated_date:{since}") if f]
    base = {
        "search": query.openalex_search,
        "per-page": str(PER_PAGE),
        "select": ",".join(SELECT_FIELDS),
    }
    if filters:
        base["filter"] = ",".join(filters)
    writer = store.start_run(
        SOURCE, query.id, run_id, {**base, "since": since, "resumed_from": current.resume_at}
    )
    if settings.api_key:
        base["api_key"] = settings.api_key

    walk = walk_pages(
        client=client,
        writer=writer,
        url=f"{settings.base_url}/works",
        start=current.resume_at if resuming else "*",
        params_for=lambda cursor: {**base, "cursor": cursor},
        parse=parse_works_page,
        max_pages=max_pages,
    )
    current.last_run_id, current.last_status = run_id, walk.status
    if walk.status == "complete":
        newest = max(filter(None, (since, walk.max_updated, current.updated_since)), default=None)
        current.updated_since = newest
        current.resume_at = current.resume_since = current.resume_run_id = None
    else:
        current.resume_at, current.resume_since = walk.stopped_at, since
        current.resume_run_id = run_id
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
