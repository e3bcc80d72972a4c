"""The resilience tests' temporary warehouse, landing folder and Dagster instance."""

import os
import shutil

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    values = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "LT_WAREHOUSE_PATH": str(tmp_path / "wh" / "learning_teams.duckdb"),
        "LT_LANDING_DIR": str(tmp_path / "landing"),
        "LT_ARCHIVE_DIR": str(tmp_path / "wh" / "archive"),
        "LT_PUBLISH_DIR": str(tmp_path / "wh" / "published"),
        "LT_BUILDS_DIR": str(tmp_path / "wh" / "builds"),
        "LT_LOG_DIR": str(tmp_path / "wh" / "logs"),
        "LT_LITERATURE_RAW_DIR": str(tmp_path / "wh" / "raw" / "literature"),
        "LT_LANDING_SETTLE_SECONDS": "0",
        "LT_LOCK_WAIT_SECONDS": "120",
    }
    return values
