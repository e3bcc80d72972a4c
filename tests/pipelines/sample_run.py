"""The bundled sample delivered and run through the whole pipeline once per test session, then
copied for every test that starts from it (end-to-end, resilience, landing).

The first test worker that needs it builds it (tests/built_once.py; the other waits for it); a
copy is a few megabytes: the warehouse folder
(live file, archive, builds, published copy, reports), the landing folder and the Dagster
instance (DAGSTER_HOME with the project's dagster.yaml, SQLite run and event storage), so a
copy carries on exactly as the next `make run` after the first would. What the first run
returned is kept as JSON (`outcome.json`); what it recorded is in the copied instance.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pytest

from tests.built_once import DONE, built_once
from tests.conftest import REPO_ROOT, drop_sample_files, warehouse_env

OUTCOME = "outcome.json"
HOME = "dagster_home"
CONCURRENCY = {"concurrency": {"pools": {"default_limit": 1}}}


def sample_env(root: Path) -> dict[str, str]:
    """The LT_* variables (and DAGSTER_HOME) of a warehouse under `root`."""
    return {
        **warehouse_env(root),
        "DAGSTER_HOME": str(root / HOME),
        "LT_LANDING_SETTLE_SECONDS": "0",
    }


def _digest(outcome) -> dict:
    """What the tests read of the first run's outcome (its Dagster results stay in-process)."""
    build = outcome.build
    return {
        "ingested": {o.file: [o.ok, o.status] for o in outcome.ingested.values()},
        "success": outcome.success,
        "build_success": build is not None and build.success,
        "failed_checks": outcome.failed_checks,
        "checks": [
            {"name": e.check_name, "passed": e.passed, "blocking": e.severity.value == "ERROR"}
            for e in (build.get_asset_check_evaluations() if build else [])
        ],
        "reports_success": outcome.reports is not None and outcome.reports.success,
    }


def _build(root: Path, builds_dir: Path) -> None:
    from pipelines.definitions import build_definitions
    from pipelines.make_run.driver import run_pipeline
    from pipelines.settings import Settings

    home = root / HOME
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {**sample_env(root), "LT_BUILDS_DIR": str(builds_dir)}
    with (
        dg.instance_for_test(overrides=CONCURRENCY, temp_dir=str(home)) as instance,
        pytest.MonkeyPatch.context() as patch,
    ):
        for key, value in env.items():
            if key != "DAGSTER_HOME":  # instance_for_test sets it (and puts it back)
                patch.setenv(key, value)
        settings = Settings.from_env()
        settings.landing_dir.mkdir(parents=True)
        drop_sample_files(settings.landing_dir)
        outcome = run_pipeline(build_definitions(settings), instance)
    (root / OUTCOME).write_text(json.dumps(_digest(outcome), indent=1), encoding="utf-8")


def sample_run(shared_dir: Path, builds_dir: Path) -> Path:
    """The folder of the session's sample run (built by whichever worker asks first, in its
    builds folder: its copies then start from the dbt parse state that build left there)."""
    return built_once(shared_dir, "sample_run", lambda root: _build(root, builds_dir))


def copy_sample_run(source: Path, root: Path, builds_dir: Path) -> dict[str, str]:
    """A private copy of the sample run under `root`, building in `builds_dir`; returns its
    environment variables.

    The builds folder is the test worker's, shared by its tests one after the other (as runs
    share it in production): dbt's parse state in it holds the builds path, so a folder per
    test would cost a full parse of the project (~7 s) on each test's first build."""
    ignore = shutil.ignore_patterns("builds", DONE)
    shutil.copytree(source, root, symlinks=True, ignore=ignore)
    return {**sample_env(root), "LT_BUILDS_DIR": str(builds_dir)}


def outcome(root: Path) -> dict:
    return json.loads((root / OUTCOME).read_text(encoding="utf-8"))
