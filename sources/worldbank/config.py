"""Settings of the World Bank connector and the indicators it loads, from environment variables
and the seed `workforce_indicators.csv` (the one list of indicators, shared with dbt)."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..http_client import base_url_from_env

DEFAULT_BASE_URL = "https://api.worldbank.org"
WDI_SOURCE_ID = "2"
"""World Development Indicators: pinned, so a code never resolves to another database's series."""
INDICATORS_FILE = (
    Path(__file__).resolve().parents[2]
    / "dbt_project"
    / "seeds"
    / "reference"
    / "workforce_indicators.csv"
)
UNITS = frozenset({"ratio", "percent", "count", "percent_of_gdp"})
MIN_YEAR = 1960
"""The first year of WDI series; an earlier year is quarantined as out of range."""


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    short_label: str
    column_name: str = ""
    """The indicator's latest-value column on dim_country."""


def load_indicators(path: Path | str = INDICATORS_FILE) -> list[Indicator]:
    """The configured indicators (seed workforce_indicators.csv), in file order."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    indicators = []
    for number, row in enumerate(rows, start=2):
        code = (row.get("indicator_code") or "").strip()
        unit = (row.get("unit") or "").strip()
        if not code or unit not in UNITS:
            raise ValueError(
                f"{path}, line {number}: an indicator needs a code and a unit in {sorted(UNITS)}"
                f" (got code {code!r}, unit {unit!r})"
            )
        indicators.append(
            Indicator(
                code,
                row["indicator_name"].strip(),
                unit,
                row["short_label"].strip(),
                (row.get("column_name") or "").strip(),
            )
        )
    return indicators


@dataclass(frozen=True)
class WorldBankSettings:
    base_url: str = DEFAULT_BASE_URL
    countries: tuple[str, ...] | None = None
    """ISO3 / aggregate codes to request; None requests `all` (every economy and aggregate)."""
    date: str = ""
    """The API's `date` filter (e.g. `2000:2024`); empty for every year."""
    per_page: int = 1000
    max_url_length: int = 1500
    """Country lists are split so that no request URL is longer (the API answers a long URL
    with an HTML 400)."""
    metadata_max_age_days: float = 30.0
    """An indicator load refreshes the country metadata first when it is older than this."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WorldBankSettings:
        env = os.environ if environ is None else environ
        countries = (env.get("LT_WORLDBANK_COUNTRIES") or "all").strip()
        return cls(
            base_url=base_url_from_env("LT_WORLDBANK_BASE_URL", DEFAULT_BASE_URL, env),
            countries=parse_countries(countries),
            date=(env.get("LT_WORLDBANK_DATE") or "").strip(),
            per_page=int(env.get("LT_WORLDBANK_PER_PAGE") or 1000),
            max_url_length=int(env.get("LT_WORLDBANK_MAX_URL_LENGTH") or 1500),
            metadata_max_age_days=float(env.get("LT_WORLDBANK_METADATA_MAX_AGE_DAYS") or 30),
        )

    @property
    def scope(self) -> str:
        return "all" if self.countries is None else ";".join(self.countries)


def parse_countries(value: str) -> tuple[str, ...] | None:
    """`all` -> None; `GHA;KEN, NPL` -> ('GHA', 'KEN', 'NPL') (upper case, sorted, unique)."""
    if value.strip().lower() in ("", "all"):
        return None
    codes = {c.strip().upper() for c in value.replace(",", ";").split(";") if c.strip()}
    bad = sorted(c for c in codes if not c.isalnum() or len(c) not in (2, 3))
    if bad:
        raise ValueError(f"LT_WORLDBANK_COUNTRIES: not World Bank economy codes: {bad}")
    return tuple(sorted(codes))
