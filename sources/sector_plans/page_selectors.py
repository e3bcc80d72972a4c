"""Every CSS selector the Planipolis scraper uses, in one place.

No saved Planipolis HTML was available (SOURCES.md §1), so these follow the Drupal markup of the
fixtures in `sample_data/sector_plans/site/`. When the real markup differs, change this module
only. A selector that finds nothing raises `PageStructureError` naming the page and the element:
a renamed element must never look like an empty, successful scrape.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag


@dataclass(frozen=True)
class Selector:
    element: str  # what the element is, for error messages
    css: str


# Listing page (`/en/national-education-plans?page=N`): one row per plan page.
LISTING_ROWS = Selector("listing rows", "div.view-content div.views-row")
LISTING_ROW_LINK = Selector("plan link in a listing row", "h3.plan-title a[href]")
LISTING_NEXT_PAGE = Selector("next-page link", "nav.pager a[rel=next]")

# Plan page (`/en/{year}/{slug}`): one plan, one or more documents (language versions).
PLAN_TITLE = Selector("plan title", "h1.page-title")
PLAN_COUNTRY = Selector("country field", "div.field--name-field-country .field__item")
PLAN_YEAR = Selector("year field", "div.field--name-field-year .field__item")
PLAN_LANGUAGES = Selector("language field", "div.field--name-field-language .field__item")
PLAN_RESOURCE_TYPES = Selector(
    "resource type field", "div.field--name-field-resource-type .field__item"
)
PLAN_DOCUMENT_LINKS = Selector("document links", "div.field--name-field-file a[href]")


class PageStructureError(ValueError):
    """An expected element is missing: the site's markup changed (or the page is not a plan)."""

    def __init__(self, page_url: str, selector: Selector):
        self.page_url = page_url
        self.selector = selector
        super().__init__(
            f"{page_url}: the {selector.element} ({selector.css!r}) is missing; the page "
            "markup may have changed: update sources/sector_plans/page_selectors.py"
        )


def parse_html(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def select_all(root: BeautifulSoup | Tag, selector: Selector, page_url: str) -> list[Tag]:
    """All matches; none is an error."""
    found = root.select(selector.css)
    if not found:
        raise PageStructureError(page_url, selector)
    return found


def select_text(root: BeautifulSoup | Tag, selector: Selector, page_url: str) -> str:
    """Text of the first match; a missing or empty element is an error."""
    found = root.select_one(selector.css)
    text = found.get_text(" ", strip=True) if found else ""
    if not text:
        raise PageStructureError(page_url, selector)
    return text


def select_optional(root: BeautifulSoup | Tag, selector: Selector) -> Tag | None:
    """For elements that may legitimately be absent (the last page has no next link)."""
    return root.select_one(selector.css)
