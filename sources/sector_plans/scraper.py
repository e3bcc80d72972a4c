"""Scrape the Planipolis listing and plan pages into catalogue records (requests + BeautifulSoup).

The first listing page is fetched conditionally: when the site answers 304 the catalogue is
unchanged and nothing else is requested. Its validators are remembered only when the caller
confirms the records were loaded (`mark_listing_processed`). Otherwise every listing page is
walked (pager `rel=next`) and each plan page (`/en/{year}/{slug}`) gives one record per
document link (a page holds one PDF per language version). A listing page whose structure is
wrong stops the run with `PageStructureError`; a plan page that fails (HTTP error, missing
element) becomes a `Failure` and the other pages carry on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from ..http_client import HttpError, PoliteClient
from . import page_selectors as sel
from .config import DEFAULT_BASE_URL, PlanipolisSettings, canonical_url
from .failures import Failure


class ScrapeError(RuntimeError):
    """The scrape produced nothing usable: never reported as an empty success."""


@dataclass
class ScrapeResult:
    unchanged: bool
    records: list[dict] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    listing_pages: int = 0
    plan_pages: int = 0
    listing_headers: dict[str, str] = field(default_factory=dict)


def mark_listing_processed(
    client: PoliteClient, settings: PlanipolisSettings, result: ScrapeResult
) -> None:
    """Once the scraped records are loaded: remember the listing's ETag/Last-Modified, so the
    next run that finds it unchanged (304) skips everything. Not called after a failed load,
    the next run scrapes again."""
    if not result.unchanged:
        client.remember(settings.listing_url, result.listing_headers)


def doc_id_for(document_url: str) -> str:
    """Stable id of a scraped document: the export's doc_ids are not on the pages."""
    return "pp_" + hashlib.sha256(document_url.encode("utf-8")).hexdigest()[:12]


def parse_listing_page(html: str | bytes, page_url: str) -> tuple[list[str], str | None]:
    """Absolute plan-page URLs on one listing page, and the next listing page (or None)."""
    soup = sel.parse_html(html)
    links = []
    for row in sel.select_all(soup, sel.LISTING_ROWS, page_url):
        anchor = sel.select_all(row, sel.LISTING_ROW_LINK, page_url)[0]
        links.append(urljoin(page_url, anchor["href"]))
    following = sel.select_optional(soup, sel.LISTING_NEXT_PAGE)
    return links, urljoin(page_url, following["href"]) if following else None


def parse_plan_page(
    html: str | bytes, page_url: str, base_url: str = DEFAULT_BASE_URL
) -> list[dict]:
    """Catalogue records (export column names) for every document linked from a plan page,
    with URLs (and the doc ids hashed from them) on the real Planipolis host even when the
    page was served from `base_url` (config.canonical_url)."""
    soup = sel.parse_html(html)
    title = sel.select_text(soup, sel.PLAN_TITLE, page_url)
    country = sel.select_text(soup, sel.PLAN_COUNTRY, page_url)
    year = sel.select_text(soup, sel.PLAN_YEAR, page_url)
    languages = [t.get_text(strip=True) for t in sel.select_all(soup, sel.PLAN_LANGUAGES, page_url)]
    resource_types = [
        t.get_text(strip=True) for t in sel.select_all(soup, sel.PLAN_RESOURCE_TYPES, page_url)
    ]
    records = []
    for anchor in sel.select_all(soup, sel.PLAN_DOCUMENT_LINKS, page_url):
        document_url = canonical_url(urljoin(page_url, anchor["href"]), base_url)
        records.append(
            {
                "doc_id": doc_id_for(document_url),
                "title": title,
                "country": country,
                "year": year,
                "languages": ",".join(languages),
                "resource_type": " ".join(resource_types),
                "planipolis_page_url": canonical_url(page_url, base_url),
                "document_url": document_url,
                "local_filename": urlsplit(document_url).path.rsplit("/", 1)[-1],
            }
        )
    return records


def scrape_catalogue(client: PoliteClient, settings: PlanipolisSettings) -> ScrapeResult:
    """Walk the listing, then every plan page. See the module docstring for error handling."""
    url: str | None = settings.listing_url
    first = client.get(url, conditional=True, remember=False)
    if first.status_code == 304:
        return ScrapeResult(unchanged=True, listing_pages=1)
    result = ScrapeResult(unchanged=False, listing_headers=dict(first.headers))
    plan_urls: list[str] = []
    response = first
    while url:
        result.listing_pages += 1
        links, following = parse_listing_page(response.content, url)
        plan_urls += [link for link in links if link not in plan_urls]
        if following is None or result.listing_pages >= settings.max_listing_pages:
            break
        url = following
        response = client.get(url)
    for plan_url in plan_urls:
        result.plan_pages += 1
        try:
            page = client.get(plan_url)
            result.records += parse_plan_page(page.content, plan_url, settings.base_url)
        except (HttpError, sel.PageStructureError) as exc:
            code = "page_structure" if isinstance(exc, sel.PageStructureError) else "http_error"
            result.failures.append(Failure("listing", plan_url, plan_url, code, f"{code}: {exc}"))
    if not result.records:
        first_failure = result.failures[0].reason if result.failures else "no plan pages listed"
        raise ScrapeError(
            f"{settings.listing_url}: no plan page yielded a document "
            f"({len(result.failures)} of {result.plan_pages} plan pages failed; first: "
            f"{first_failure})"
        )
    return result
