"""Where organisations drop programme-records files, and the archive they are kept in."""

from pathlib import Path

import dagster as dg


class LandingResource(dg.ConfigurableResource):
    """Where organisations drop programme-records files, and the content-addressed archive."""

    landing_dir: str
    archive_dir: str
    settle_seconds: float = 2.0

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def archive_path(self) -> Path:
        return Path(self.archive_dir)
