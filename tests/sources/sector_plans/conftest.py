"""Shared fixtures: where the genuine recorded payloads live (LT_SHARED_DATA_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
BASE_URL = "https://planipolis.iiep.unesco.org"


def shared_data_dir() -> Path:
    return Path(os.environ.get("LT_SHARED_DATA_DIR") or REPO_ROOT.parent / "shared" / "data")


@pytest.fixture
def real_catalogue() -> Path:
    path = shared_data_dir() / "planipolis" / "cgd_sector_plan_metadata.csv"
    assert path.is_file(), f"real Planipolis list not found at {path} (set LT_SHARED_DATA_DIR)"
    return path


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()
