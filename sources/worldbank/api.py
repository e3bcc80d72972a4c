"""World Bank Indicators API v2: request URLs, the response envelope, and fetching every page.

The envelope is a two-element array `[paging metadata, rows]`; `per_page` (and in metadata
endpoints every paging field) may be a string; `rows` may be `null` when nothing matches. Errors
arrive with HTTP 200 as `[{"message": [{"id", "key", "value"}]}]` (an invalid or archived
indicator or country); malformed or over-long URLs get an HTML page with HTTP 400. Every error
raised here is a `WorldBankError` naming the URL and the API's own words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from ..http_client import HttpError, PoliteClient
from .config import WDI_SOURCE_ID, WorldBankSettings

COUNTRY_METADATA_PER_PAGE = 400


class WorldBankError(Exception):
    """A request or response the connector cannot use; the message names the URL first."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class Page:
    """One parsed response page: its paging metadata and its body text (rows parsed later,
    set-based, in DuckDB)."""

    url: str
    page: int
    pages: int
    per_page: int
    total: int
    last_updated: str | None
    source_id: str | None
    rows: int
    body: str


def _int(value, url: str, name: str) -> int:
    try:
        return int(value)  # the API sends per_page (and in metadata endpoints all) as strings
    except (TypeError, ValueError):
        raise WorldBankError(url, f"paging field {name}={value!r} is not a number") from None


def _html_title(text: str) -> str:
    match = re.search(r"<title>(.*?)</title>", text, re.I | re.S)
    if match:
        return " ".join(match.group(1).split())
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:120]


def api_messages(payload) -> str | None:
    """The API's error messages (`[{"message": [...]}]`) as one line, or None."""
    if (
        isinstance(payload, list)
        and payload
        and isinstance(payload[0], dict)
        and "message" in payload[0]
    ):
        messages = payload[0]["message"] or []
        parts = [
            f"{m.get('key', '')} (id {m.get('id', '?')}): {m.get('value', '')}".strip()
            if isinstance(m, dict)
            else str(m)
            for m in messages
        ]
        return "; ".join(parts) or "an empty message"
    return None


def parse_page(url: str, text: str, content_type: str = "") -> Page:
    """Parse one response body into a Page, or raise WorldBankError saying what is wrong."""
    stripped = text.lstrip()
    if stripped.startswith("<") or "html" in content_type.lower():
        raise WorldBankError(url, f"the API answered HTML, not JSON: {_html_title(text)!r}")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorldBankError(
            url, f"the body is not JSON ({exc.msg} at char {exc.pos}): {text[:80]!r}"
        ) from None
    message = api_messages(payload)
    if message is not None:
        raise WorldBankError(url, f"the API returned an error message: {message}")
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], dict)):
        raise WorldBankError(
            url,
            f"expected a two-element array [paging, rows], got {type(payload).__name__}"
            + (f" of {len(payload)} elements" if isinstance(payload, list) else ""),
        )
    meta, rows = payload
    if rows is not None and not isinstance(rows, list):
        raise WorldBankError(url, f"the rows element is a {type(rows).__name__}, not an array")
    return Page(
        url=url,
        page=_int(meta.get("page", 1), url, "page"),
        pages=_int(meta.get("pages", 1), url, "pages"),
        per_page=_int(meta.get("per_page", 0), url, "per_page"),
        total=_int(meta.get("total", 0), url, "total"),
        last_updated=meta.get("lastupdated") or None,
        source_id=str(meta["sourceid"]) if meta.get("sourceid") is not None else None,
        rows=len(rows or []),
        body=text,
    )


def country_chunks(settings: WorldBankSettings, indicator_code: str) -> list[str]:
    """The country path segments to request: `all`, or the configured codes split so that every
    URL stays under `max_url_length` characters."""
    if settings.countries is None:
        return ["all"]
    fixed = len(indicator_url(settings, "", indicator_code, page=999_999))
    budget = max(settings.max_url_length - fixed, 4)
    chunks: list[str] = []
    current: list[str] = []
    for code in settings.countries:
        candidate = ";".join([*current, code])
        if current and len(quote(candidate, safe="")) > budget:
            chunks.append(";".join(current))
            current = [code]
        else:
            current.append(code)
    if current:
        chunks.append(";".join(current))
    return chunks


def indicator_url(
    settings: WorldBankSettings,
    countries: str,
    indicator_code: str,
    page: int = 1,
    per_page: int | None = None,
) -> str:
    """`/v2/country/{countries}/indicator/{code}?format=json&source=2&per_page=N&page=P[&date=]`
    (the parameters always in this order, so a replayed response matches)."""
    query = f"format=json&source={WDI_SOURCE_ID}&per_page={per_page or settings.per_page}"
    query += f"&page={page}"
    if settings.date:
        query += f"&date={quote(settings.date, safe='')}"
    path = f"/v2/country/{quote(countries, safe=';')}/indicator/{quote(indicator_code, safe='.')}"
    return f"{settings.base_url}{path}?{query}"


def country_metadata_url(settings: WorldBankSettings, page: int = 1) -> str:
    return (
        f"{settings.base_url}/v2/country?per_page={COUNTRY_METADATA_PER_PAGE}"
        f"&format=json&page={page}"
    )


def get_page(client: PoliteClient, url: str) -> Page:
    """GET and parse one page; HTTP failures become WorldBankError (naming the URL)."""
    try:
        response = client.get(url)
    except HttpError as exc:
        hint = ""
        if exc.status == 400:
            hint = " (the API answers HTML 400 to a malformed or too long URL)"
        raise WorldBankError(url, f"HTTP {exc.status or 'failure'}: {exc.reason}{hint}") from None
    return parse_page(url, response.text, response.headers.get("Content-Type", ""))


def get_all_pages(client: PoliteClient, first_url_for_page) -> list[Page]:
    """Page 1, then every further page the paging metadata announces."""
    first = get_page(client, first_url_for_page(1))
    pages = [first]
    for number in range(2, first.pages + 1):
        page = get_page(client, first_url_for_page(number))
        if page.last_updated != first.last_updated:
            raise WorldBankError(
                page.url,
                f"the indicator was updated while it was paged (lastupdated "
                f"{first.last_updated} on page 1, {page.last_updated} here); load it again",
            )
        pages.append(page)
    return pages


@dataclass
class IndicatorFetch:
    """Every page of one indicator for the configured countries (or why it stopped)."""

    indicator_code: str
    scope: str
    last_updated: str | None = None
    source_id: str | None = None
    pages: list[Page] = field(default_factory=list)
    unchanged: bool = False


def probe_last_updated(
    client: PoliteClient, settings: WorldBankSettings, indicator_code: str
) -> tuple[str | None, str | None]:
    """The indicator's lastupdated and source id, from a one-row request."""
    chunk = country_chunks(settings, indicator_code)[0]
    page = get_page(client, indicator_url(settings, chunk, indicator_code, per_page=1))
    return page.last_updated, page.source_id


def fetch_indicator(
    client: PoliteClient,
    settings: WorldBankSettings,
    indicator_code: str,
    known_last_updated: str | None = None,
) -> IndicatorFetch:
    """Fetch one indicator for every configured country, unless its lastupdated equals
    `known_last_updated` (then only a one-row probe is made and `unchanged` is set)."""
    fetch = IndicatorFetch(indicator_code, settings.scope)
    if known_last_updated:
        last_updated, source_id = probe_last_updated(client, settings, indicator_code)
        if last_updated == known_last_updated:
            fetch.last_updated, fetch.source_id, fetch.unchanged = last_updated, source_id, True
            return fetch
    for chunk in country_chunks(settings, indicator_code):
        pages = get_all_pages(
            client, lambda n, c=chunk: indicator_url(settings, c, indicator_code, page=n)
        )
        fetch.pages += pages
    fetch.last_updated = fetch.pages[0].last_updated
    fetch.source_id = fetch.pages[0].source_id
    if fetch.source_id not in (None, WDI_SOURCE_ID):
        raise WorldBankError(
            fetch.pages[0].url,
            f"source {fetch.source_id} answered, not WDI (source {WDI_SOURCE_ID})",
        )
    return fetch


def fetch_country_metadata(client: PoliteClient, settings: WorldBankSettings) -> list[Page]:
    """Every page of `/v2/country` (economies and aggregates with region and income level)."""
    return get_all_pages(client, lambda n: country_metadata_url(settings, n))
