"""The Planipolis site, the document store and the polite client the sector-plan assets use."""

from pathlib import Path

import dagster as dg

from sources.http_client import HttpConfig, JsonFileValidatorStore, PoliteClient
from sources.sector_plans import PlanipolisSettings
from sources.sector_plans.plans import focus_countries


class PlanipolisResource(dg.ConfigurableResource):
    """Where the catalogue comes from (the site's listing, or an export file when
    `catalogue_export` is set), which plans are loaded (the focus countries of the seed
    `focus_countries.csv`, or all with `all_countries`), and where documents are stored."""

    base_url: str
    listing_path: str
    max_listing_pages: int = 200
    not_pdf_retries: int = 2
    store_dir: str
    validators_path: str
    catalogue_export: str = ""
    all_countries: bool = False
    focus_countries_file: str = ""
    min_interval_seconds: float | None = None
    """Overrides LT_HTTP_MIN_INTERVAL_SECONDS (the local demo server needs no pacing)."""

    @property
    def settings(self) -> PlanipolisSettings:
        return PlanipolisSettings(
            base_url=self.base_url.rstrip("/"),
            listing_path=self.listing_path,
            max_listing_pages=self.max_listing_pages,
            not_pdf_retries=self.not_pdf_retries,
        )

    @property
    def store_path(self) -> Path:
        return Path(self.store_dir)

    @property
    def export_path(self) -> Path | None:
        return Path(self.catalogue_export) if self.catalogue_export else None

    def client(self) -> PoliteClient:
        """A polite client whose ETag/Last-Modified validators persist between runs."""
        overrides = {}
        if self.min_interval_seconds is not None:
            overrides["min_interval_seconds"] = self.min_interval_seconds
        return PoliteClient(
            config=HttpConfig.from_env(**overrides),
            validator_store=JsonFileValidatorStore(self.validators_path),
        )

    def countries(self) -> list[str] | None:
        """The focus countries (ISO3), or None when the whole catalogue is loaded."""
        if self.all_countries:
            return None
        if self.focus_countries_file:
            return focus_countries(self.focus_countries_file)
        return focus_countries()
