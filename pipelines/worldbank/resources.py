"""The World Bank API, the bulk CSV folder and the polite client the World Bank assets use."""

from pathlib import Path

import dagster as dg

from sources.http_client import HttpConfig, PoliteClient
from sources.worldbank.config import (
    INDICATORS_FILE,
    Indicator,
    WorldBankSettings,
    load_indicators,
    parse_countries,
)


class WorldBankResource(dg.ConfigurableResource):
    """Where the indicators come from (LT_WORLDBANK_* variables, see the README), which
    countries are requested, and the folder of WDI bulk CSV files to load (none by default)."""

    base_url: str
    countries: str = "all"
    date: str = ""
    per_page: int = 1000
    max_url_length: int = 1500
    metadata_max_age_days: float = 30.0
    bulk_dir: str = ""
    indicators_file: str = ""
    min_interval_seconds: float | None = None
    """Overrides LT_HTTP_MIN_INTERVAL_SECONDS (the local demo server needs no pacing)."""

    @property
    def settings(self) -> WorldBankSettings:
        return WorldBankSettings(
            base_url=self.base_url.rstrip("/"),
            countries=parse_countries(self.countries),
            date=self.date,
            per_page=self.per_page,
            max_url_length=self.max_url_length,
            metadata_max_age_days=self.metadata_max_age_days,
        )

    def indicators(self) -> list[Indicator]:
        return load_indicators(self.indicators_file or INDICATORS_FILE)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators():
            if indicator.code == code:
                return indicator
        raise KeyError(f"indicator {code} is not in {self.indicators_file or INDICATORS_FILE}")

    @property
    def bulk_path(self) -> Path | None:
        return Path(self.bulk_dir) if self.bulk_dir else None

    def client(self) -> PoliteClient:
        overrides = {}
        if self.min_interval_seconds is not None:
            overrides["min_interval_seconds"] = self.min_interval_seconds
        return PoliteClient(config=HttpConfig.from_env(**overrides))


def worldbank_resource_from_env() -> WorldBankResource:
    import os

    site = WorldBankSettings.from_env()
    return WorldBankResource(
        base_url=site.base_url,
        countries=site.scope,
        date=site.date,
        per_page=site.per_page,
        max_url_length=site.max_url_length,
        metadata_max_age_days=site.metadata_max_age_days,
        bulk_dir=(os.environ.get("LT_WORLDBANK_BULK_DIR") or "").strip(),
    )
