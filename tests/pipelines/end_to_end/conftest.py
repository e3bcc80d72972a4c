"""End-to-end fixtures: the session's sample run, read-only (`first`, `first_outcome`), and a
private copy of it opened as the pipeline sees it (`pipeline`), one per test."""

import pytest

from tests.pipelines.end_to_end.pipeline import open_pipeline, settings_of
from tests.pipelines.sample_run import outcome


@pytest.fixture
def first(sample_run_dir):
    """Settings whose warehouse and published copy are those the sample's first run left."""
    return settings_of(sample_run_dir)


@pytest.fixture
def first_outcome(sample_run_dir) -> dict:
    """What the first run returned (sample_run.py: files, build, checks, reports)."""
    return outcome(sample_run_dir)


@pytest.fixture
def pipeline(sample_copy, monkeypatch):
    with open_pipeline(sample_copy, monkeypatch) as opened:
        yield opened
