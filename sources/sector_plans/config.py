"""Settings of the Planipolis connector, from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..http_client import base_url_from_env

DEFAULT_BASE_URL = "https://planipolis.iiep.unesco.org"
# The listing path of the real site is unverified (no saved HTML): configurable.
DEFAULT_LISTING_PATH = "/en/national-education-plans"


@dataclass(frozen=True)
class PlanipolisSettings:
    base_url: str = DEFAULT_BASE_URL
    listing_path: str = DEFAULT_LISTING_PATH
    max_listing_pages: int = 200
    # How often a 200 response that is not a PDF (bot challenge) is fetched again.
    not_pdf_retries: int = 2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PlanipolisSettings:
        env = os.environ if environ is None else environ
        return cls(
            base_url=base_url_from_env("LT_PLANIPOLIS_BASE_URL", DEFAULT_BASE_URL, env),
            listing_path=(env.get("LT_PLANIPOLIS_LISTING_PATH") or DEFAULT_LISTING_PATH).strip(),
            max_listing_pages=int(env.get("LT_PLANIPOLIS_MAX_LISTING_PAGES") or 200),
            not_pdf_retries=int(env.get("LT_PLANIPOLIS_NOT_PDF_RETRIES") or 2),
        )

    @property
    def listing_url(self) -> str:
        return self.base_url + "/" + self.listing_path.lstrip("/")
