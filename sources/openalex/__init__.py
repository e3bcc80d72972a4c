"""OpenAlex works connector: cursor-paged searches stored as raw page files."""

from .works import SELECT_FIELDS, harvest_openalex, openalex_settings

__all__ = ["SELECT_FIELDS", "harvest_openalex", "openalex_settings"]
