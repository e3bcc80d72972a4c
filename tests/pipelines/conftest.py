"""The session's sample run (sample_run.py) and private copies of it."""

from pathlib import Path

import pytest

from tests.pipelines.sample_run import copy_sample_run, sample_run


@pytest.fixture(scope="session")
def sample_run_dir(session_dir, worker_builds_dir) -> Path:
    """The bundled sample after one whole pipeline run; read it, never write it (copy it)."""
    return sample_run(session_dir, worker_builds_dir)


@pytest.fixture(scope="session")
def worker_builds_dir(tmp_path_factory) -> Path:
    """The candidate builds and dbt parse state of this test worker's copies (sample_run.py)."""
    return tmp_path_factory.mktemp("builds")


@pytest.fixture
def sample_copy(sample_run_dir, worker_builds_dir, tmp_path) -> dict[str, str]:
    """A private copy of the sample run: its environment (LT_* paths and DAGSTER_HOME)."""
    return copy_sample_run(sample_run_dir, tmp_path / "sample_run", worker_builds_dir)
