"""A temporary warehouse with the literature models built by dbt (shared by the tests/dbt
modules; the demo build is one session fixture in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from tests.dbt.run_dbt import dbt
from tests.sources.literature.helpers import REPO_ROOT

DEMO = REPO_ROOT / "sample_data" / "literature"


def build(tmp_path: Path, prepare, select: str | None = None) -> duckdb.DuckDBPyConnection:
    """Prepare raw tables in a fresh warehouse, run dbt build, return a read-only connection.

    The whole project is built (the other sources' raw tables empty: the literature feeds marts
    that join every source, the theme coding, the evidence map, the country profiles), or only
    `select` and the tests of what it selects."""
    warehouse = tmp_path / "warehouse" / "learning_teams.duckdb"
    warehouse.parent.mkdir(parents=True)
    con = duckdb.connect(str(warehouse))
    ensure_raw_schemas(con)  # every source (dim_country reads the indicators too)
    prepare(con)
    con.close()
    only = ["--select", select, "--indirect-selection", "cautious"] if select else []
    done = dbt(["build", *only], warehouse)
    assert done.returncode == 0, done.stdout[-4000:]
    assert "unit_test" not in done.stdout or "FAIL" not in done.stdout
    return duckdb.connect(str(warehouse), read_only=True)
