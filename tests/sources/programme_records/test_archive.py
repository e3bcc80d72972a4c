"""The archive: content-addressed per organisation, duplicates found, partition keys readable."""

import hashlib
from datetime import UTC, datetime

from sources.programme_records.archive import (
    append_journal,
    archive_delivery,
    file_id_for,
    find_delivery,
    journal_record,
    read_journal,
)
from sources.programme_records.landing import scan_landing

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_same_bytes_same_organisation_is_a_duplicate_of_the_first_delivery(tmp_path):
    landing, store = tmp_path / "landing", tmp_path / "archive"
    (landing / "acme").mkdir(parents=True)
    (landing / "acme" / "one.csv").write_bytes(b"same bytes")
    (landing / "acme" / "two.csv").write_bytes(b"same bytes")
    first_entry, second_entry = scan_landing(landing)
    first, earlier = archive_delivery(landing, store, first_entry, NOW)
    assert earlier is None
    assert first.sha256 == hashlib.sha256(b"same bytes").hexdigest()
    assert first.file_id == f"acme/one.csv@{first.sha256[:12]}"
    assert first.archived_file(store).read_bytes() == b"same bytes"
    _, duplicate_of = archive_delivery(landing, store, second_entry, NOW)
    assert duplicate_of == first
    assert find_delivery(store, first.file_id) == first


def test_other_organisation_same_bytes_is_its_own_delivery(tmp_path):
    landing, store = tmp_path / "landing", tmp_path / "archive"
    for org in ("acme", "beta"):
        (landing / org).mkdir(parents=True)
        (landing / org / "f.csv").write_bytes(b"shared")
    a, b = scan_landing(landing)
    assert archive_delivery(landing, store, a, NOW)[1] is None
    assert archive_delivery(landing, store, b, NOW)[1] is None


def test_partition_keys_avoid_characters_dagster_refuses():
    key = file_id_for("acme/a...b,c.csv", "f" * 64)
    assert "..." not in key and "," not in key and key.endswith("@ffffffffffff")


def test_journal_round_trip(tmp_path):
    landing = tmp_path / "landing"
    (landing / "acme").mkdir(parents=True)
    (landing / "acme" / "x.txt").write_text("hi")
    (entry,) = scan_landing(landing)
    append_journal(
        tmp_path, [journal_record(entry, NOW, outcome=entry.outcome, reason=entry.reason)]
    )
    (record,) = read_journal(tmp_path)
    assert record["entry_path"] == "acme/x.txt" and record["outcome"] == "ignored"


def test_scratch_copies_of_dead_or_failed_ticks_are_removed_not_those_of_live_ones(tmp_path):
    import os
    import subprocess
    import sys

    from sources.programme_records.archive import clean_incoming

    incoming = tmp_path / "files" / ".incoming"
    incoming.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    (incoming / f"{dead}-0.tmp").write_bytes(b"left by a killed tick")
    (incoming / f"{os.getpid()}-0.tmp").write_bytes(b"left by a failed tick of this process")
    (incoming / "1-0.tmp").write_bytes(b"pid 1 is alive: a tick under way")
    assert clean_incoming(tmp_path) == 2
    assert [p.name for p in incoming.iterdir()] == ["1-0.tmp"]
