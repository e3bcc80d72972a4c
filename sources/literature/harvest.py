"""The page loop shared by the literature connectors: fetch a page, check it, store it (or
quarantine it and stop), move to the next position. A failure never loses the pages already
stored, and the position of the first page not fetched is kept so the next run resumes there."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode

import requests

from ..http_client import HttpError
from .raw_store import RunWriter


class HttpGetter(Protocol):
    """What the connectors need from an HTTP client (`sources.http_client.PoliteClient`)."""

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response: ...


class PageError(ValueError):
    """A response body that is not a usable page (not JSON, truncated, wrong envelope)."""


@dataclass(frozen=True)
class ParsedPage:
    records: int
    next_position: str | None
    max_updated: str | None = None


@dataclass
class PageWalk:
    """Outcome of walking the pages of one query."""

    status: str  # complete | interrupted (bad page or failed request) | paused (max_pages)
    pages: int = 0
    records: int = 0
    stopped_at: str | None = None  # first position not stored
    max_updated: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class HarvestResult:
    source: str
    query_id: str
    run_id: str
    status: str  # complete | interrupted | paused | skipped
    pages: int = 0
    records: int = 0
    state: dict = field(default_factory=dict)  # persist it; pass it back next run
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.source}/{self.query_id} run {self.run_id}: {self.status}, "
            f"{self.pages} pages, {self.records} records"
        )


def walk_pages(
    *,
    client: HttpGetter,
    writer: RunWriter,
    url: str,
    start: str,
    params_for: Callable[[str], dict[str, str]],
    parse: Callable[[bytes], ParsedPage],
    max_pages: int | None = None,
) -> PageWalk:
    walk = PageWalk(status="complete")
    position: str | None = start
    while position is not None:
        if max_pages is not None and walk.pages >= max_pages:
            walk.status, walk.stopped_at = "paused", position
            return walk
        params = params_for(position)
        page_url = f"{url}?{urlencode(params)}"
        try:
            response = client.get(url, params=params, headers={"Accept": "application/json"})
            body = response.content
        except (HttpError, requests.RequestException) as exc:
            return _stop(walk, writer, position, page_url, str(exc), None)
        try:
            parsed = parse(body)
        except PageError as exc:
            return _stop(walk, writer, position, page_url, str(exc), body)
        writer.write_page(position=position, url=page_url, body=body, records=parsed.records)
        walk.pages += 1
        walk.records += parsed.records
        if parsed.max_updated and (walk.max_updated or "") < parsed.max_updated:
            walk.max_updated = parsed.max_updated
        position = parsed.next_position
    return walk


def _stop(walk, writer, position, page_url, reason, body) -> PageWalk:
    entry = writer.quarantine_page(position=position, url=page_url, reason=reason, body=body)
    walk.status, walk.stopped_at = "interrupted", position
    walk.problems.append(
        f"{writer.source} query {writer.query_id} at {position!r} ({entry['url']}): {reason}"
    )
    return walk


def json_body(body: bytes, what: str):
    """Decode a JSON body; an HTML error page or a truncated body raises PageError."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        start = body[:80].decode("utf-8", "replace").strip().replace("\n", " ")
        kind = "an HTML page" if start.lower().startswith(("<!doctype", "<html")) else "not JSON"
        raise PageError(
            f"{what}: body is {kind} ({exc}; {len(body)} bytes, starts {start[:60]!r})"
        ) from None
