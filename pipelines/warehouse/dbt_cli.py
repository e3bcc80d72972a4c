"""The dbt CLI resource of the warehouse build, without two costs dagster-dbt pays before every
dbt command in a fresh run process (each run Dagster launches is one):

- it runs `dbt --version` (a process that imports dbt: about 3 s) to learn whether the
  executable is dbt Core or Fusion. Ours is dbt Core from this environment (`DBT_EXECUTABLE`),
  so the installed package's version answers the same question;
- it builds an in-process dbt adapter (about 2 s), used only by `fetch_row_counts()` and
  `fetch_column_metadata()`. The build reads row counts and column types itself, from the
  candidate, after dbt (see table_metadata.py), so no adapter is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version


class WarehouseDbtCli(DbtCliResource):
    """`DbtCliResource` for the dbt Core installed beside it (see the module docstring)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]):
        return None
