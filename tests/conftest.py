"""Test session setup: telemetry off, the dbt manifest parsed once before collection (the
Definitions import needs it), and helpers for an isolated warehouse in a temp folder."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

for _variable, _value in (
    ("DO_NOT_TRACK", "1"),
    ("DBT_SEND_ANONYMOUS_USAGE_STATS", "false"),
    ("GX_ANALYTICS_ENABLED", "false"),
):
    os.environ[_variable] = _value

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO_ROOT / "sample_data" / "programme_records"
# The genuine recorded payloads (../shared/data beside the clone; README "Development").
SHARED_DATA_DIR = Path(
    os.environ.get("LT_SHARED_DATA_DIR") or REPO_ROOT.parent / "shared" / "data"
).resolve()


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The folder of recorded payloads (LT_SHARED_DATA_DIR); the run fails loudly without it."""
    if not (SHARED_DATA_DIR / "PROVENANCE.md").is_file():
        raise FileNotFoundError(
            f"recorded payloads not found at {SHARED_DATA_DIR}: clone the project beside shared/ "
            "or set LT_SHARED_DATA_DIR to its data folder"
        )
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory, worker_id) -> Path:
    """A temp folder every test worker of this session shares (tests/built_once.py)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


MEMORY_TMPDIR = Path("/dev/shm/lt")
MEMORY_TMPDIR_MIN_FREE = 4 * 2**30  # a session writes ~1.5 GB (warehouses, instances, dbt)


def tests_tmpdir() -> Path | None:
    """Where the tests' temporary files go: LT_TEST_TMPDIR; else, unless TMPDIR is set, memory
    (/dev/shm) when it has room. Warehouses, Dagster instances and dbt targets written and
    synced there cost no disk writes (one pair of runs of the same suite: 470 s vs 498 s)."""
    if os.environ.get("LT_TEST_TMPDIR"):
        return Path(os.environ["LT_TEST_TMPDIR"])
    if os.environ.get("TMPDIR") or not MEMORY_TMPDIR.parent.is_dir():
        return None
    if shutil.disk_usage(MEMORY_TMPDIR.parent).free < MEMORY_TMPDIR_MIN_FREE:
        return None
    return MEMORY_TMPDIR


def pytest_configure(config):
    # Under pytest-xdist the controller does this once, before its workers start (they
    # inherit the environment and their temp folders from it).
    if hasattr(config, "workerinput"):
        return
    tmpdir = tests_tmpdir()
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        os.environ["TMPDIR"] = str(tmpdir)
        tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    # Parse the dbt project before test modules import pipelines.definitions.
    from pipelines.cli import prepare

    prepare()


def pytest_collection_modifyitems(config, items):
    """Heavy files first, so the two workers finish together (xdist hands out whole files in
    this order: pyproject's --dist loadfile --no-loadscope-reorder). The first heavy file that
    needs the session's sample run builds it; the other heavy files that need it come after
    those that do not, so the other worker is not left waiting for it; the light files fill in
    at the end."""
    modules: dict[str, int] = {}
    needs_sample_run = False
    for item in items:
        module = item.nodeid.split("::")[0]
        if module in modules:
            continue
        heavy = item.get_closest_marker("heavy") is not None
        sample_user = "sample_run_dir" in item.fixturenames
        if not heavy:
            rank = 3
        elif sample_user and not needs_sample_run:
            rank, needs_sample_run = 0, True
        else:
            rank = 2 if sample_user else 1
        modules[module] = rank
    items.sort(key=lambda item: modules[item.nodeid.split("::")[0]])  # stable: file order kept


def warehouse_env(root: Path) -> dict[str, str]:
    """The LT_* path variables of a warehouse whose every folder is under `root`."""
    warehouse = root / "warehouse"
    return {
        "LT_WAREHOUSE_PATH": str(warehouse / "learning_teams.duckdb"),
        "LT_LANDING_DIR": str(root / "landing"),
        "LT_ARCHIVE_DIR": str(warehouse / "archive"),
        "LT_PUBLISH_DIR": str(warehouse / "published"),
        "LT_BUILDS_DIR": str(warehouse / "builds"),
        "LT_LOG_DIR": str(warehouse / "logs"),
        "LT_LITERATURE_RAW_DIR": str(warehouse / "raw" / "literature"),
        "LT_REPORTS_DIR": str(warehouse / "reports"),
    }


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings whose every path is under tmp_path (no sensor settle delay)."""
    from pipelines.settings import Settings

    values = {**warehouse_env(tmp_path), "LT_LANDING_SETTLE_SECONDS": "0"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    result = Settings.from_env()
    result.landing_dir.mkdir(parents=True)
    return result


SAMPLE_ORGANISATION = "learning-teams-sample"


def drop_sample_files(
    landing_dir: Path, *names: str, organisation: str = SAMPLE_ORGANISATION
) -> list[Path]:
    """Deliver bundled sample files (all of them when no names) into an organisation's folder."""
    sources = [SAMPLE_DIR / n for n in names] or [
        p for p in sorted(SAMPLE_DIR.iterdir()) if p.suffix in {".csv", ".json", ".xlsx"}
    ]
    folder = landing_dir / organisation
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(p, folder / p.name)) for p in sources]


def deliver_one_record(landing_dir: Path, organisation: str, ref: str) -> Path:
    """A one-record CSV (a sample programme under a new ref) from a new organisation."""
    source = (SAMPLE_DIR / "uk_partnerships_2002.csv").read_text(encoding="utf-8").splitlines()
    record = next(line for line in source if line.startswith("GBR-BEDS-SIP,"))
    folder = landing_dir / organisation
    folder.mkdir(parents=True)
    path = folder / "one_record.csv"
    path.write_text(
        source[0] + "\n" + record.replace("GBR-BEDS-SIP,", f"{ref},", 1) + "\n", encoding="utf-8"
    )
    return path


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (tests/postgres_server.py). Without the
    binaries the tests that need it are skipped, unless LT_REQUIRE_POSTGRES=1 (CI), which fails."""
    from tests.postgres_server import find_bin_dir, postgres_server

    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL binaries not found (apt-get install postgresql, or LT_PG_BIN_DIR)"
        if os.environ.get("LT_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with postgres_server(bin_dir) as server:
        yield server


@pytest.fixture(scope="session")
def new_lake(postgres, tmp_path_factory):
    """Makes a fresh DuckLake: `new_lake(name)` creates its catalog database on the `postgres`
    server and a data folder of its own, and returns its LakeSettings."""
    from pipelines.warehouse.lake import LakeSettings

    def make(name: str) -> LakeSettings:
        postgres.create_database(name)
        dsn = f"dbname={name} host={postgres.host} port={postgres.port} user={postgres.user}"
        return LakeSettings(dsn, tmp_path_factory.mktemp(name) / "data")

    return make
