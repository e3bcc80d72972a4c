"""A temporary warehouse and Dagster instance, and a copy of the demo Planipolis site served on a
local port, for the sector-plans pipeline tests."""

import shutil
from pathlib import Path

import pytest

from pipelines.definitions import build_definitions
from pipelines.settings import Settings
from sources.static_server import serve_folder
from tests.pipelines.in_memory import in_memory_instance

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_SITE = REPO_ROOT / "sample_data" / "sector_plans" / "site"
RESOURCES = Path("sites/default/files/ressources")
HONDURAS_PDF = RESOURCES / "honduras_pese_2018-2030.pdf"
BOT_CHALLENGE = b"<!DOCTYPE html><html><body><h1>Checking your browser</h1></body></html>"


def site_copy(root: Path) -> Path:
    """The demo site, with the Honduras plan answering an HTML page (a bot challenge) instead
    of its PDF; Mozambique's PDF is truncated in the demo already."""
    site = root / "site"
    shutil.copytree(DEMO_SITE, site)
    (site / HONDURAS_PDF).write_bytes(BOT_CHALLENGE)
    return site


def plan_env(root: Path, patch: pytest.MonkeyPatch, base_url: str, all_countries: bool):
    """Settings (every path under root) pointing the Planipolis base URL at base_url."""
    for key, value in {
        "LT_WAREHOUSE_PATH": str(root / "warehouse" / "learning_teams.duckdb"),
        "LT_LANDING_DIR": str(root / "landing"),
        "LT_ARCHIVE_DIR": str(root / "warehouse" / "archive"),
        "LT_PUBLISH_DIR": str(root / "warehouse" / "published"),
        "LT_BUILDS_DIR": str(root / "warehouse" / "builds"),
        "LT_PLANS_STORE_DIR": str(root / "store"),
        "LT_PLANS_VALIDATORS_PATH": str(root / "validators.json"),
        "LT_PLANIPOLIS_BASE_URL": base_url,
        "LT_PLANIPOLIS_NOT_PDF_RETRIES": "0",
        "LT_HTTP_MIN_INTERVAL_SECONDS": "0",
        "LT_HTTP_MAX_RETRIES": "0",
        "LT_PLANS_ALL_COUNTRIES": "1" if all_countries else "0",
    }.items():
        patch.setenv(key, value)
    patch.delenv("LT_PLANS_CATALOGUE_EXPORT", raising=False)
    return Settings.from_env()


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("plans_site")
    site = site_copy(root)
    with serve_folder(site) as base_url:
        yield site, base_url


@pytest.fixture(scope="module")
def all_plans(tmp_path_factory, served_site, worker_builds_dir):
    """Definitions and an instance loading the whole catalogue from the served copy (building
    in the test worker's builds folder: its dbt parse state, tests/pipelines/conftest.py)."""
    _, base_url = served_site
    root = tmp_path_factory.mktemp("plans_all")
    with pytest.MonkeyPatch.context() as patch:
        plan_env(root, patch, base_url, all_countries=True)
        patch.setenv("LT_BUILDS_DIR", str(worker_builds_dir))
        settings = Settings.from_env()
        with in_memory_instance({"concurrency": {"pools": {"default_limit": 1}}}) as instance:
            yield settings, build_definitions(settings), instance
