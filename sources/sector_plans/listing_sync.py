"""Scrape the listing and load what it yields, in the right order (one call for the pipeline)."""

from __future__ import annotations

import duckdb

from ..http_client import PoliteClient
from .catalogue import CatalogueLoad, load_catalogue_records
from .config import PlanipolisSettings
from .failures import write_failures
from .scraper import ScrapeResult, mark_listing_processed, scrape_catalogue


def scrape_and_load_catalogue(
    con: duckdb.DuckDBPyConnection, client: PoliteClient, settings: PlanipolisSettings
) -> tuple[ScrapeResult, CatalogueLoad | None]:
    """Scrape; when the listing changed, load the records and the failed pages, then remember
    the listing's validators. Returns (scrape result, load result or None when unchanged)."""
    result = scrape_catalogue(client, settings)
    if result.unchanged:
        return result, None
    load = load_catalogue_records(
        con, result.records, source=settings.listing_url, base_url=settings.base_url
    )
    write_failures(con, result.failures)
    mark_listing_processed(client, settings, result)
    return result, load
