"""Resources of the literature source."""

from pathlib import Path

import dagster as dg


class LiteratureStoreResource(dg.ConfigurableResource):
    """Where the literature connectors write their page files (and the harvest state file)."""

    raw_dir: str

    @property
    def path(self) -> Path:
        return Path(self.raw_dir)
