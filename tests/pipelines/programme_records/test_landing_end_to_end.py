"""The one end-to-end crash case of the landing path: deliveries made through a sensor tick
that died after archiving, and a `make run` that died before its ingest runs started, give
the same published marts as a clean delivery of the same files. (The other crash cases compare
the journal and archive only: test_landing_faults.py.)"""

import os
import re
from contextlib import contextmanager

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.make_run.driver import (
    build,
    ingest,
    plan_next_build,
    record_entries,
    tick_landing_sensor,
)
from pipelines.settings import Settings
from sources.programme_records import faults
from tests.conftest import SAMPLE_DIR, drop_sample_files
from tests.pipelines.sample_run import CONCURRENCY, HOME, copy_sample_run

pytestmark = pytest.mark.heavy

INGEST = "ingest_programme_records"
SECOND_ORG_FILES = (
    "uk_partnerships_2002.csv",
    "ghana_and_partners.json",
    "late_submissions_2024.csv",
)
PROGRAMME_MARTS = (
    "dim_programme",
    "dim_programme_history",
    "fct_programme_actor",
    "fct_country_summary",
    "fct_landing_entry",
)


def renamed(sample: str) -> bytes:
    """A sample file whose programme refs are new ("GHA-X" -> "GHA-RE-X"): a delivery another
    organisation can make without holding the sample's keys."""
    data = (SAMPLE_DIR / sample).read_bytes()
    if sample.endswith(".json"):
        return re.sub(rb'("programme_ref": *")([A-Z]{3})-', rb"\1\2-RE-", data)
    return re.sub(rb"(?m)^([A-Z]{3})-", rb"\1-RE-", data)


def make_env(source, root, builds_dir, monkeypatch) -> Settings:
    """A copy of the session's sample run at `root`, with new deliveries in its landing folder:
    three sample files under new refs, one whose name is not UTF-8, and one delivered again."""
    for key, value in copy_sample_run(source, root, builds_dir).items():
        if key != "DAGSTER_HOME":
            monkeypatch.setenv(key, value)
    settings = Settings.from_env()
    second = settings.landing_dir / "second-org"
    second.mkdir()
    for sample in SECOND_ORG_FILES:
        (second / sample).write_bytes(renamed(sample))
    drop_sample_files(settings.landing_dir, "uk_partnerships_2002.csv")  # the same bytes again
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
    result = build(defs, instance, "ERROR", plan_next_build(defs).asset_keys)  # partial
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


@contextmanager
def instance_of(root):
    with dg.instance_for_test(overrides=CONCURRENCY, temp_dir=str(root / HOME)) as instance:
        yield instance


def test_crashes_at_the_landing_door_give_the_marts_of_a_clean_delivery(
    sample_run_dir, worker_builds_dir, tmp_path, monkeypatch
):
    with monkeypatch.context() as patch:
        clean = make_env(
            sample_run_dir, tmp_path / "clean", worker_builds_dir, patch
        )  # a clean delivery
        with instance_of(tmp_path / "clean") as own:
            defs = build_definitions(clean)
            ingest_and_build(defs, own, tick_landing_sensor(defs, own).run_requests)
        expected = published_marts(clean)
    crashed = make_env(sample_run_dir, tmp_path / "crashed", worker_builds_dir, monkeypatch)
    with instance_of(tmp_path / "crashed") as instance:
        crash_and_carry_on(build_definitions(crashed), instance, monkeypatch)
    again = published_marts(crashed)
    assert len(expected["dim_programme"]) == 42 + 18 + 10 + 3 + 18  # sample, 3 renamed, odd
    for mart in PROGRAMME_MARTS:
        assert again[mart] == expected[mart], mart


def crash_and_carry_on(defs, instance, monkeypatch) -> None:
    """A tick that dies once the files are archived, a tick whose runs never start (`make run`
    killed there), then a tick that asks for them again and their runs."""
    monkeypatch.setenv(faults.FAULT_ENV, "scan.after_archive")
    with pytest.raises(faults.InjectedFault):
        tick_landing_sensor(defs, instance)
    monkeypatch.delenv(faults.FAULT_ENV)
    tick_landing_sensor(defs, instance)  # files moved out, runs asked for: `make run` dies here
    requests = tick_landing_sensor(defs, instance).run_requests  # the next one asks again
    ingest_and_build(defs, instance, requests)
