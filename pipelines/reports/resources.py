"""Where the reports read from (the published copy, never the live file) and write to."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb


class ReportsResource(dg.ConfigurableResource):
    published_path: str
    reports_dir: str

    @property
    def folder(self) -> Path:
        return Path(self.reports_dir)

    @contextmanager
    def published(self):
        """A read-only connection to the published copy (a publish replaces the file by rename,
        so this connection keeps reading the copy it opened)."""
        con = duckdb.connect(self.published_path, read_only=True)
        try:
            yield con
        finally:
            con.close()
