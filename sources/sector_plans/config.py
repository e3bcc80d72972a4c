"""Settings of the Planipolis connector, from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..http_client import base_url_from_env

DEFAULT_BASE_URL = "https://planipolis.iiep.unesco.org"
# The listing path of the real site is unverified (no saved HTML): configurable.
DEFAULT_LISTING_PATH = "/en/national-education-plans"


def canonical_url(url: str, base_url: str) -> str:
    """`url` as the real Planipolis names it: a URL on the configured base (a mirror, a replay
    server on whatever port it got) is recorded on the default host, so what the warehouse
    stores (document URLs, the doc ids hashed from them) does not depend on where the pages
    were served from. `documents.resolve_document_url` maps it back to fetch it."""
    base = base_url.rstrip("/")
    if base != DEFAULT_BASE_URL and (url == base or url.startswith(base + "/")):
        return DEFAULT_BASE_URL + url[len(base) :]
    return url


def canonical_url_sql(url_sql: str, base_url: str) -> str:
    """SQL for `canonical_url` of the value `url_sql` (a plain column: it is repeated)."""
    base = base_url.rstrip("/").replace("'", "''")
    if base == DEFAULT_BASE_URL:
        return url_sql
    return (
        f"CASE WHEN {url_sql} = '{base}' OR starts_with({url_sql}, '{base}/') "
        f"THEN '{DEFAULT_BASE_URL}' || {url_sql}[{len(base) + 1}:] ELSE {url_sql} END"
    )


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
