"""The landing sensor: every new entry journalled with its outcome; a new file -> one partition
(`organisation/file@hash`) + run; the same bytes again -> a recorded duplicate; links never
followed; failed runs retried with backoff, failed audits never."""

import os

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.make_run.driver import ingest, tick_landing_sensor
from pipelines.programme_records.partitions import programme_record_files
from pipelines.programme_records.sensor import MAX_ATTEMPTS
from sources.programme_records.archive import find_delivery, read_journal, sha256_of
from tests.conftest import SAMPLE_DIR, drop_sample_files
from tests.sources.programme_records.helpers import hard_link_to_a_machine_file

INGEST = "ingest_programme_records"


@pytest.fixture
def defs(settings):
    return build_definitions(settings)


@pytest.fixture
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


def ingest_requests(result):
    return [r for r in result.run_requests or [] if r.job_name == INGEST]


def journal(settings):
    return {r["entry_path"]: r for r in read_journal(settings.archive_dir)}


def test_new_file_requests_one_run_keyed_by_organisation_file_and_hash(defs, instance, settings):
    (path,) = drop_sample_files(settings.landing_dir, "uk_partnerships_2002.csv")
    result = tick_landing_sensor(defs, instance)
    (request,) = ingest_requests(result)
    digest = sha256_of(SAMPLE_DIR / "uk_partnerships_2002.csv")
    key = f"learning-teams-sample/uk_partnerships_2002.csv@{digest[:12]}"
    assert request.partition_key == key
    assert request.run_key == f"{key}:1"
    assert instance.get_dynamic_partitions(programme_record_files.name) == [key]
    assert {r.job_name for r in result.run_requests} == {INGEST, "record_landing_entries"}
    delivery = find_delivery(settings.archive_dir, key)
    original = (SAMPLE_DIR / "uk_partnerships_2002.csv").read_bytes()
    assert delivery.archived_file(settings.archive_dir).read_bytes() == original
    assert not path.exists()  # moved out of landing: the archive holds it
    assert journal(settings)["learning-teams-sample/uk_partnerships_2002.csv"]["outcome"] == (
        "to_load"
    )


def test_same_bytes_again_are_a_recorded_duplicate(defs, instance, settings):
    (path,) = drop_sample_files(settings.landing_dir, "ghana_and_partners.json")
    path_key = "learning-teams-sample/ghana_and_partners.json"
    (request,) = ingest_requests(tick_landing_sensor(defs, instance))
    assert ingest(defs, instance, request).success
    assert ingest_requests(tick_landing_sensor(defs, instance)) == []
    original = (SAMPLE_DIR / "ghana_and_partners.json").read_bytes()
    (path.parent / "copy_of_ghana.json").write_bytes(original)
    assert ingest_requests(tick_landing_sensor(defs, instance)) == []
    duplicate = journal(settings)["learning-teams-sample/copy_of_ghana.json"]
    assert duplicate["outcome"] == "duplicate"
    assert duplicate["duplicate_of"] == "learning-teams-sample/ghana_and_partners.json"
    path.write_bytes(original)  # the same file, same name, delivered again
    assert ingest_requests(tick_landing_sensor(defs, instance)) == []
    entries = [e for e in read_journal(settings.archive_dir) if e["entry_path"] == path_key]
    assert [e["outcome"] for e in entries] == ["to_load", "duplicate"]  # journalled, not silent
    assert len(instance.get_dynamic_partitions(programme_record_files.name)) == 1
    assert list(path.parent.iterdir()) == []  # every delivery moved out of landing


def test_bytes_refused_for_their_name_still_load_under_a_good_name(defs, instance, settings):
    (path,) = drop_sample_files(settings.landing_dir, "late_submissions_2024.csv")
    wrong = path.with_suffix(".txt")
    path.rename(wrong)
    assert ingest_requests(tick_landing_sensor(defs, instance)) == []
    assert journal(settings)["learning-teams-sample/late_submissions_2024.txt"]["outcome"] == (
        "ignored"
    )
    wrong.rename(path)
    (request,) = ingest_requests(tick_landing_sensor(defs, instance))
    assert request.partition_key.startswith("learning-teams-sample/late_submissions_2024.csv@")


def test_links_are_journalled_and_never_followed(defs, instance, settings):
    folder = settings.landing_dir / "acme"
    folder.mkdir()
    os.symlink("/etc/group", folder / "group.csv")
    result = tick_landing_sensor(defs, instance)
    assert ingest_requests(result) == []
    assert journal(settings)["acme/group.csv"]["entry_type"] == "link"
    assert not (settings.archive_dir / "files").exists()


def test_a_hard_link_is_journalled_and_never_read(defs, instance, settings):
    folder = settings.landing_dir / "acme"
    folder.mkdir()
    hard_link_to_a_machine_file(folder / "passwd.csv", settings.landing_dir.parent / "outside")
    assert ingest_requests(tick_landing_sensor(defs, instance)) == []
    record = journal(settings)["acme/passwd.csv"]
    assert record["outcome"] == "ignored" and "hard link" in record["reason"]
    assert not (settings.archive_dir / "files").exists()  # its bytes were never copied


def test_names_that_are_not_utf8_or_hold_a_newline_are_journalled_and_loaded(
    defs, instance, settings
):
    folder = os.fsencode(settings.landing_dir / "acme")
    os.makedirs(folder)
    data = (SAMPLE_DIR / "late_submissions_2024.csv").read_bytes()
    for name in (b"bad\xffname.csv", b"two\nlines.csv", b"n" * 251 + b".csv"):
        with open(os.path.join(folder, name), "wb") as out:
            out.write(data + name)  # different bytes: not duplicates of each other
    requests = ingest_requests(tick_landing_sensor(defs, instance))
    records = journal(settings)
    assert set(records) == {
        "acme/bad\\xffname.csv",
        "acme/two\\nlines.csv",
        f"acme/{'n' * 251}.csv",
    }
    assert {r["outcome"] for r in records.values()} == {"to_load"}
    raw = bytes.fromhex(records["acme/bad\\xffname.csv"]["entry_path_bytes"])
    assert raw == b"acme/bad\xffname.csv"
    assert len(requests) == 3 and not os.listdir(folder)
    bad = next(r for r in requests if "xff" in r.partition_key)
    assert ingest(defs, instance, bad).success


def test_an_entry_that_stays_is_read_once(defs, instance, settings):
    """Ignored entries stay in landing; the cursor keeps a tick from reading them again, and a
    file rewritten after it was read is not removed unread."""
    folder = settings.landing_dir / "acme"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a programme file")
    tick_landing_sensor(defs, instance)
    tick_landing_sensor(defs, instance)
    assert [e["entry_path"] for e in read_journal(settings.archive_dir)] == ["acme/notes.txt"]
    assert (folder / "notes.txt").exists()


def submit(instance, result):
    """Create the requested runs, as the Dagster daemon does (queued, not executed)."""
    for request in result.run_requests or []:
        tags = {**request.tags}
        if request.partition_key:
            tags["dagster/partition"] = request.partition_key
        instance.add_run(dg.DagsterRun(job_name=request.job_name, tags=tags))


def test_nothing_new_is_a_skip(defs, instance, settings):
    drop_sample_files(settings.landing_dir, "late_submissions_2024.csv")
    submit(instance, tick_landing_sensor(defs, instance))
    again = tick_landing_sensor(defs, instance)
    assert not again.run_requests and "none new" in again.skip_reason.skip_message


def test_a_journalled_delivery_with_no_run_is_asked_for_again(defs, instance, settings):
    """The tick (or `make run`) died after the journal line, before the run was created."""
    drop_sample_files(settings.landing_dir, "late_submissions_2024.csv")
    (first,) = ingest_requests(tick_landing_sensor(defs, instance))
    (again,) = ingest_requests(tick_landing_sensor(defs, instance))  # no run was created
    assert again.partition_key == first.partition_key and again.run_key == first.run_key
    submit(instance, tick_landing_sensor(defs, instance))
    assert tick_landing_sensor(defs, instance).run_requests == []


def _failed_run(instance, key, outcome=None, reason=None):
    tags = {
        "dagster/partition": key,
        **({"learning_teams/outcome": outcome} if outcome else {}),
        **({"dagster/failure_reason": reason} if reason else {}),
    }
    run = dg.DagsterRun(job_name=INGEST, status=dg.DagsterRunStatus.FAILURE, tags=tags)
    instance.add_run(run)
    return run


def test_make_run_asks_again_for_a_run_that_died_not_for_a_failed_step(defs, instance, settings):
    """Retries are Dagster's (the step's retry policy, the daemon's run retries); `make run`
    (retry_now, no daemon) asks again only for a delivery whose run died, up to MAX_ATTEMPTS
    runs; a step that failed (after its policy's tries) or a failed audit needs a person."""
    drop_sample_files(settings.landing_dir, "late_submissions_2024.csv")
    (request,) = ingest_requests(tick_landing_sensor(defs, instance))
    key = request.partition_key
    _failed_run(instance, key, reason="UNEXPECTED_TERMINATION")  # its process was killed
    assert ingest_requests(tick_landing_sensor(defs, instance, retry_now=False)) == []  # UI
    (retry,) = ingest_requests(tick_landing_sensor(defs, instance, retry_now=True))
    assert retry.run_key == f"{key}:2"
    _failed_run(instance, key, reason="STEP_FAILURE")  # the retry policy already tried again
    assert ingest_requests(tick_landing_sensor(defs, instance, retry_now=True)) == []
    _failed_run(instance, key, outcome="failed_audit")
    assert ingest_requests(tick_landing_sensor(defs, instance, retry_now=True)) == []
    other = drop_sample_files(settings.landing_dir, "uk_partnerships_2002.csv")[0].name
    (request,) = ingest_requests(tick_landing_sensor(defs, instance))
    assert other in request.partition_key
    for attempt in range(2, MAX_ATTEMPTS + 1):  # died every time: asked again, then left
        _failed_run(instance, request.partition_key)
        (retry,) = ingest_requests(tick_landing_sensor(defs, instance, retry_now=True))
        assert retry.run_key == f"{request.partition_key}:{attempt}"
    _failed_run(instance, request.partition_key)
    assert ingest_requests(tick_landing_sensor(defs, instance, retry_now=True)) == []


def test_unreadable_file_is_ingested_into_quarantine_with_its_reason(defs, instance, settings):
    folder = settings.landing_dir / "acme"
    folder.mkdir()
    (folder / "truncated.json").write_bytes(b'[{"programme_ref": "A1", "programme_na')
    (request,) = ingest_requests(tick_landing_sensor(defs, instance))
    run = ingest(defs, instance, request)
    assert run.success  # the file is handled: quarantined, not lost
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    row = con.execute(
        "SELECT _file_name, _row_number FROM raw.programme_records_quarantine"
    ).fetchone()
    status = con.execute("SELECT status FROM raw.programme_record_files").fetchone()[0]
    con.close()
    assert row[0] == "truncated.json"
    assert status == "rejected"
    warning = [
        e for e in run.get_asset_check_evaluations() if e.check_name == "file_fully_accepted"
    ]
    assert warning and not warning[0].passed


def test_an_empty_file_is_rejected_as_empty_not_a_duplicate(defs, instance, settings):
    """0 bytes is rejected at the door, before the content hash could make an empty .json a
    'duplicate' of an empty .csv."""
    folder = settings.landing_dir / "acme"
    folder.mkdir()
    (folder / "empty.csv").write_bytes(b"")
    (folder / "empty.json").write_bytes(b"")
    assert ingest_requests(tick_landing_sensor(defs, instance)) == []
    for name in ("acme/empty.csv", "acme/empty.json"):
        record = journal(settings)[name]
        assert (record["outcome"], record["reason"]) == ("rejected", "the file is empty (0 bytes)")


FAST = "ingest_and_publish_programme_records"


def test_one_new_file_while_nothing_runs_gets_one_ingest_and_publish_run(defs, instance, settings):
    drop_sample_files(settings.landing_dir, "uk_partnerships_2002.csv")
    result = tick_landing_sensor(defs, instance, fast_path=True)
    assert [r.job_name for r in result.run_requests] == [FAST]  # the journal is in that run


def test_several_new_files_take_the_batch_path(defs, instance, settings):
    drop_sample_files(settings.landing_dir, "uk_partnerships_2002.csv", "ghana_and_partners.json")
    result = tick_landing_sensor(defs, instance, fast_path=True)
    jobs = sorted(r.job_name for r in result.run_requests)
    assert jobs == [INGEST, INGEST, "record_landing_entries"]  # one build follows, for both


def test_a_new_file_while_a_build_runs_takes_the_batch_path(defs, instance, settings):
    instance.add_run(
        dg.DagsterRun(
            job_name="build_warehouse",
            status=dg.DagsterRunStatus.STARTED,
            tags={"learning_teams/publishes": "true"},
        )
    )
    drop_sample_files(settings.landing_dir, "uk_partnerships_2002.csv")
    result = tick_landing_sensor(defs, instance, fast_path=True)
    assert sorted(r.job_name for r in result.run_requests) == [INGEST, "record_landing_entries"]
