"""IIEP-UNESCO Planipolis education sector plans: catalogue export or scraped pages, PDF
downloads into a content-addressed store, page text. No Dagster here (see docs/sector_plans.md).
"""

from .catalogue import (
    CatalogueFileError,
    CatalogueLoad,
    load_catalogue_export,
    load_catalogue_records,
)
from .config import PlanipolisSettings
from .documents import DocumentRun, download_and_extract
from .failures import Failure, write_failures
from .listing_sync import scrape_and_load_catalogue
from .page_selectors import PageStructureError
from .raw_schema import ensure_raw_schema
from .scraper import ScrapeError, ScrapeResult, mark_listing_processed, scrape_catalogue

__all__ = [
    "CatalogueFileError",
    "CatalogueLoad",
    "DocumentRun",
    "Failure",
    "PageStructureError",
    "PlanipolisSettings",
    "ScrapeError",
    "ScrapeResult",
    "download_and_extract",
    "ensure_raw_schema",
    "load_catalogue_export",
    "load_catalogue_records",
    "mark_listing_processed",
    "scrape_and_load_catalogue",
    "scrape_catalogue",
    "write_failures",
]
