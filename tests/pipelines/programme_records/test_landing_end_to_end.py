"""The one end-to-end crash case of the landing path: deliveries made through a sensor tick
that died after archiving, and a `make run` that died before its ingest runs started, give
the same published marts as a clean delivery of the same files. (The other crash cases compare
the journal and archive only: test_landing_faults.py.)"""

import os

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.local_run import build, ingest, record_entries, tick_landing_sensor
from pipelines.settings import Settings
from sources.programme_records import faults
from tests.conftest import SAMPLE_DIR, drop_sample_files

INGEST = "ingest_programme_records"
PROGRAMME_MARTS = (
    "dim_programme",
    "dim_programme_history",
    "fct_programme_actor",
    "fct_country_summary",
    "fct_landing_entry",
)


def make_env(root, monkeypatch) -> Settings:
    for key, value in {
        "LT_WAREHOUSE_PATH": root / "warehouse" / "learning_teams.duckdb",
        "LT_LANDING_DIR": root / "landing",
        "LT_ARCHIVE_DIR": root / "warehouse" / "archive",
        "LT_PUBLISH_DIR": root / "warehouse" / "published",
        "LT_BUILDS_DIR": root / "warehouse" / "builds",
        "LT_LOG_DIR": root / "warehouse" / "logs",
        "LT_LANDING_SETTLE_SECONDS": "0",
    }.items():
        monkeypatch.setenv(key, str(value))
    settings = Settings.from_env()
    settings.landing_dir.mkdir(parents=True)
    drop_sample_files(settings.landing_dir)
    odd = os.path.join(os.fsencode(settings.landing_dir / "acme"), b"bad\xffname.csv")
    os.makedirs(os.path.dirname(odd))
    with open(odd, "wb") as out:
        out.write((SAMPLE_DIR / "uk_partnerships_2002.csv").read_bytes().replace(b"GBR", b"GHA"))
    return settings


def ingest_and_build(defs, instance, requests) -> None:
    for request in requests:
        if request.job_name == INGEST:
            assert ingest(defs, instance, request, "ERROR").success
    assert record_entries(defs, instance, "ERROR").success
    result = build(defs, instance, "ERROR")
    assert result.success


def published_marts(settings) -> dict[str, list]:
    """Each programme mart's rows, without the columns that hold when something happened (or a
    key made from it): those differ between two deliveries of the same files."""
    con = duckdb.connect(str(settings.publish_dir / "learning_teams.duckdb"), read_only=True)
    try:
        found = {}
        for mart in PROGRAMME_MARTS:
            columns = [
                name
                for name, data_type in con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() "
                    "WHERE schema_name = 'marts' AND table_name = ?",
                    [mart],
                ).fetchall()
                if not data_type.startswith(("TIMESTAMP", "DATE"))
                and name not in ("landing_entry_sk",)  # a hash of the entry's mtime
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            found[mart] = con.execute(f"SELECT {select} FROM marts.{mart} ORDER BY ALL").fetchall()
        return found
    finally:
        con.close()


@pytest.fixture
def instance():
    with dg.instance_for_test(overrides={"concurrency": {"pools": {"default_limit": 1}}}) as i:
        yield i


def test_crashes_at_the_landing_door_give_the_marts_of_a_clean_delivery(
    tmp_path, monkeypatch, instance
):
    with monkeypatch.context() as patch:  # a clean delivery
        clean = make_env(tmp_path / "clean", patch)
        defs = build_definitions(clean)
        with dg.instance_for_test(
            overrides={"concurrency": {"pools": {"default_limit": 1}}}
        ) as own:
            ingest_and_build(defs, own, tick_landing_sensor(defs, own).run_requests)
        expected = published_marts(clean)
    crashed = make_env(tmp_path / "crashed", monkeypatch)
    defs = build_definitions(crashed)
    monkeypatch.setenv(faults.FAULT_ENV, "scan.after_archive")
    with pytest.raises(faults.InjectedFault):
        tick_landing_sensor(defs, instance)
    monkeypatch.delenv(faults.FAULT_ENV)
    tick_landing_sensor(defs, instance)  # files moved out, runs asked for: `make run` dies here
    requests = tick_landing_sensor(defs, instance).run_requests  # the next one asks again
    ingest_and_build(defs, instance, requests)
    again = published_marts(crashed)
    assert expected["dim_programme"], "the sample's programmes were published"
    for mart in PROGRAMME_MARTS:
        assert again[mart] == expected[mart], mart
