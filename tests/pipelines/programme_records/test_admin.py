"""`landing status`, `retry`, `discard` and `rebuild`: a failed attempt shows whatever job ran
it; a discarded delivery stays discarded through retries, the sensor and a rebuild."""

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.make_run.driver import ingest, tick_landing_sensor
from pipelines.programme_records import admin
from pipelines.settings import Settings
from sources.programme_records.archive import discarded
from tests.conftest import drop_sample_files
from tests.pipelines.in_memory import in_memory_instance

INGEST = "ingest_programme_records"
FAST = "ingest_and_publish_programme_records"


@pytest.fixture
def defs(settings):
    return build_definitions(settings)


@pytest.fixture
def instance():
    with in_memory_instance({"concurrency": {"pools": {"default_limit": 1}}}) as i:
        yield i


def deliver(defs, instance, settings, *names) -> dict[str, str]:
    """{file name: partition key} of the sample files delivered and journalled."""
    drop_sample_files(settings.landing_dir, *names)
    result = tick_landing_sensor(defs, instance)
    return {
        r.tags["learning_teams/file_name"].rsplit("/", 1)[-1]: r.partition_key
        for r in result.run_requests
        if r.job_name == INGEST
    }


def failed_run(instance, job, key, outcome=None):
    tags = {"dagster/partition": key, **({"learning_teams/outcome": outcome} if outcome else {})}
    instance.add_run(dg.DagsterRun(job_name=job, status=dg.DagsterRunStatus.FAILURE, tags=tags))


def rows(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_status_shows_every_latest_failure_whatever_job_ran_it(defs, instance, settings):
    keys = deliver(
        defs,
        instance,
        settings,
        "uk_partnerships_2002.csv",
        "ghana_and_partners.json",
        "late_submissions_2024.csv",
    )
    uk, ghana, late = (keys[n] for n in sorted(keys, key=lambda n: n[0], reverse=True))
    failed_run(instance, INGEST, uk)
    failed_run(instance, FAST, ghana)  # the single-file run: was never looked at before
    status = "\n".join(admin.status_lines(defs, instance))
    assert f"{uk}: its run ({INGEST}) failed" in status
    assert f"{ghana}: its run ({FAST}) failed" in status
    assert f"{late}: delivered" in status and "no run" in status  # journalled, never run
    # A later successful attempt settles it.
    instance.add_run(
        dg.DagsterRun(
            job_name=INGEST, status=dg.DagsterRunStatus.SUCCESS, tags={"dagster/partition": uk}
        )
    )
    assert uk not in "\n".join(admin.status_lines(defs, instance))


def test_a_discarded_delivery_stays_discarded(defs, instance, settings, tmp_path, monkeypatch):
    keys = deliver(
        defs, instance, settings, "uk_partnerships_2002.csv", "late_submissions_2024.csv"
    )
    uk, late = keys["uk_partnerships_2002.csv"], keys["late_submissions_2024.csv"]
    for key in (uk, late):
        assert ingest(defs, instance, dg.RunRequest(partition_key=key, job_name=INGEST)).success
    failed_run(instance, FAST, uk)  # its latest attempt failed...
    assert admin.discard(defs, instance, uk, "sent by mistake", then_build=False)
    assert discarded(settings.archive_dir) == {uk: "sent by mistake"}
    # ... but it is settled: status is quiet about it, nobody retries it.
    assert not [line for line in admin.status_lines(defs, instance) if uk in line]
    retries = [r for r in tick_landing_sensor(defs, instance).run_requests or [] if r.partition_key]
    assert uk not in {r.partition_key for r in retries}
    assert not admin.retry(defs, instance, "uk_partnerships_2002.csv", then_build=False)
    # An ingest run of it (the sensor's, a retry's) keeps it out of raw.
    assert ingest(defs, instance, dg.RunRequest(partition_key=uk, job_name=INGEST)).success
    live = settings.warehouse_path
    assert rows(live, f"SELECT count(*) FROM raw.programme_records WHERE _file_id = '{uk}'") == [
        (0,)
    ]
    assert rows(live, f"SELECT status FROM raw.programme_record_files WHERE file_id = '{uk}'") == [
        ("discarded",)
    ]
    # A rebuild from the archive into an empty warehouse leaves it out too (the build that
    # follows reads raw: test_landing_end_to_end.py builds marts from such a warehouse).
    monkeypatch.setenv("LT_WAREHOUSE_PATH", str(tmp_path / "rebuilt" / "learning_teams.duckdb"))
    monkeypatch.setenv("LT_PUBLISH_DIR", str(tmp_path / "rebuilt" / "published"))
    monkeypatch.setenv("LT_BUILDS_DIR", str(tmp_path / "rebuilt" / "builds"))
    rebuilt = Settings.from_env()
    with in_memory_instance({"concurrency": {"pools": {"default_limit": 1}}}) as fresh:
        assert admin.rebuild(build_definitions(rebuilt), fresh, then_build=False)
    path = rebuilt.warehouse_path
    files = dict(rows(path, "SELECT file_id, status FROM raw.programme_record_files"))
    assert files[uk] == "discarded" and files[late] != "discarded"
    assert rows(path, f"SELECT count(*) FROM raw.programme_records WHERE _file_id = '{uk}'") == [
        (0,)
    ]
    late_refs = rows(path, f"SELECT count(*) FROM raw.programme_records WHERE _file_id = '{late}'")
    assert late_refs[0][0] > 0


def test_retry_ingests_a_failed_delivery_again(defs, instance, settings):
    (key,) = deliver(defs, instance, settings, "late_submissions_2024.csv").values()
    failed_run(instance, INGEST, key)
    assert admin.retry(defs, instance, "late_submissions_2024.csv", then_build=False)
    assert not [line for line in admin.status_lines(defs, instance) if key in line]
    loaded = rows(
        settings.warehouse_path,
        f"SELECT count(*) FROM raw.programme_records WHERE _file_id = '{key}'",
    )
    assert loaded[0][0] > 0
