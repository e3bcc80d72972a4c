"""The landing sensor: a new file -> one partition + run; the same bytes again -> nothing; a bad
file -> still a run, whose rows end in quarantine with the reason."""

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.local_run import ingest, tick_landing_sensor
from pipelines.partitions import programme_record_files
from sources.programme_records.files import sha256_of
from tests.conftest import drop_sample_files


@pytest.fixture
def defs(settings):
    return build_definitions(settings)


@pytest.fixture
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


def test_new_file_requests_one_run_keyed_by_content_hash(defs, instance, settings):
    (path,) = drop_sample_files(settings.landing_dir, "uk_partnerships_2002.csv")
    result = tick_landing_sensor(defs, instance)
    assert isinstance(result, dg.SensorResult)
    (request,) = result.run_requests
    sha256 = sha256_of(path)
    assert request.partition_key == sha256
    assert request.run_key == f"{sha256}:1"
    assert request.tags["learning_teams/file_name"] == "uk_partnerships_2002.csv"
    assert instance.get_dynamic_partitions(programme_record_files.name) == [sha256]
    assert (settings.archive_dir / sha256 / path.name).read_bytes() == path.read_bytes()


def test_same_file_again_does_nothing_even_under_another_name(defs, instance, settings):
    (path,) = drop_sample_files(settings.landing_dir, "ghana_and_partners.json")
    (request,) = tick_landing_sensor(defs, instance).run_requests
    assert ingest(defs, instance, request).success
    second = tick_landing_sensor(defs, instance)
    assert isinstance(second, dg.SkipReason)
    (settings.landing_dir / "copy_of_ghana.json").write_bytes(path.read_bytes())
    assert isinstance(tick_landing_sensor(defs, instance), dg.SkipReason)
    assert len(instance.get_dynamic_partitions(programme_record_files.name)) == 1


def test_partial_and_hidden_files_wait(defs, instance, settings):
    (settings.landing_dir / "upload.csv.part").write_text("programme_ref\n")
    (settings.landing_dir / ".~lock.csv").write_text("x")
    assert isinstance(tick_landing_sensor(defs, instance), dg.SkipReason)


def test_bad_file_is_ingested_into_quarantine_with_its_reason(defs, instance, settings):
    bad = settings.landing_dir / "broken.json"
    bad.write_text('[{"programme_ref": "X-1",', encoding="utf-8")
    (request,) = tick_landing_sensor(defs, instance).run_requests
    run = ingest(defs, instance, request)
    assert run.success  # the file is handled: quarantined, not lost
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    row = con.execute(
        "SELECT _file_name, _row_number, reason FROM raw.programme_records_quarantine"
    ).fetchone()
    status = con.execute("SELECT status FROM raw.programme_record_files").fetchone()[0]
    con.close()
    assert row[0] == "broken.json" and row[1] is None
    assert "malformed JSON" in row[2]
    assert status == "rejected"
    warning = [
        e for e in run.get_asset_check_evaluations() if e.check_name == "file_fully_accepted"
    ]
    assert warning and not warning[0].passed


def test_file_whose_run_died_is_requested_again_up_to_three_times(defs, instance, settings):
    (path,) = drop_sample_files(settings.landing_dir, "late_submissions_2024.csv")
    sha256 = sha256_of(path)
    tick_landing_sensor(defs, instance)  # registers the partition
    for attempt in (1, 2, 3):
        retry = tick_landing_sensor(defs, instance)
        (request,) = retry.run_requests
        assert request.run_key == f"{sha256}:{attempt}"
        # the run is created, then its process dies before loading anything
        instance.add_run(
            dg.DagsterRun(
                job_name="ingest_programme_records",
                status=dg.DagsterRunStatus.FAILURE,
                tags={"dagster/partition": sha256},
            )
        )
    assert isinstance(tick_landing_sensor(defs, instance), dg.SkipReason)


def test_file_with_a_run_in_flight_is_not_requested_twice(defs, instance, settings):
    (path,) = drop_sample_files(settings.landing_dir, "late_submissions_2024.csv")
    tick_landing_sensor(defs, instance)
    instance.add_run(
        dg.DagsterRun(
            job_name="ingest_programme_records",
            status=dg.DagsterRunStatus.STARTED,
            tags={"dagster/partition": sha256_of(path)},
        )
    )
    assert isinstance(tick_landing_sensor(defs, instance), dg.SkipReason)
