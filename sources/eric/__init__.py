"""ERIC connector: offset-paged searches of the ERIC API stored as raw page files."""

from .documents import FIELDS, eric_settings, harvest_eric

__all__ = ["FIELDS", "eric_settings", "harvest_eric"]
