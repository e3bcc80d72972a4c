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


SAMPLE_DIR = REPO_ROOT / "sample_data" / "sector_plans"
SITE_DIR = SAMPLE_DIR / "site"


def sample_generator():
    """The committed demo generator (its PDF helpers build the test PDFs)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "generate_sample", SAMPLE_DIR / "generate_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pdfs():
    return sample_generator()


class RecordingSleep:
    """Injected sleep: records the waits instead of waiting."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def client():
    from sources.http_client import HttpConfig, PoliteClient

    sleep = RecordingSleep()
    polite = PoliteClient(
        config=HttpConfig(min_interval_seconds=0.5, timeout_seconds=5, max_retries=3),
        sleep=sleep,
    )
    polite.recorded_sleeps = sleep.calls
    return polite


def serve_site(httpserver, folder: Path = SITE_DIR, overrides: dict | None = None):
    """Answer every request from a static site folder (via the static server's path mapping);
    `overrides` maps a path (with its query, if any) to a werkzeug Response or a callable
    returning one."""
    import re

    from werkzeug import Response

    from sources.static_server import content_type_for, resolve

    overrides = overrides or {}

    def handler(request):
        target = request.full_path.rstrip("?")
        if target in overrides:  # keyed by path and query ("/list?page=1")
            override = overrides[target]
            return override if isinstance(override, Response) else override(request)
        path = resolve(folder.resolve(), target)
        if path is None:
            return Response("not found", status=404)
        return Response(path.read_bytes(), content_type=content_type_for(path))

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handler)
    return httpserver.url_for("").rstrip("/")
