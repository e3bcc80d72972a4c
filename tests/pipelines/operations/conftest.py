"""A Dagster instance configured by the shipped production dagster.yaml, on the session's
throwaway PostgreSQL server."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

PRODUCTION_HOME = Path(__file__).resolve().parents[3] / "deploy" / "production"


@pytest.fixture(scope="module")
def production_instance(postgres, tmp_path_factory):
    """(instance, database URL): deploy/production/dagster.yaml as is, LT_DAGSTER_PG_URL pointing
    at a fresh database (the home is a copy, so runs' local artifacts stay out of the repo)."""
    name = f"dagster_{tmp_path_factory.getbasetemp().name.replace('-', '_')}_{id(object())}"
    url = postgres.create_database(name)
    home = tmp_path_factory.mktemp("production_home")
    shutil.copy(PRODUCTION_HOME / "dagster.yaml", home / "dagster.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LT_DAGSTER_PG_URL", url)
        patch.setenv("DAGSTER_HOME", str(home))
        instance = dg.DagsterInstance.from_config(str(home))
        try:
            yield instance, url
        finally:
            instance.dispose()
