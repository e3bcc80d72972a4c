"""Landing-folder discovery and the content-addressed archive."""

import hashlib
import os
import time

from sources.programme_records.files import archive, find_archived, ready_files


def test_ready_files_skips_hidden_partial_and_unsettled_files(tmp_path):
    (tmp_path / "a.csv").write_text("x")
    (tmp_path / ".hidden.csv").write_text("x")
    (tmp_path / "~$lock.xlsx").write_text("x")
    (tmp_path / "upload.csv.part").write_text("x")
    fresh = tmp_path / "fresh.csv"
    fresh.write_text("y")
    old = time.time() - 60
    os.utime(tmp_path / "a.csv", (old, old))
    names = [f.name for f in ready_files(tmp_path, settle_seconds=10)]
    assert names == ["a.csv"]
    assert [f.name for f in ready_files(tmp_path)] == ["a.csv", "fresh.csv"]


def test_archive_is_content_addressed_and_idempotent(tmp_path):
    landing, store = tmp_path / "landing", tmp_path / "archive"
    landing.mkdir()
    (landing / "one.csv").write_bytes(b"same bytes")
    (landing / "two.csv").write_bytes(b"same bytes")
    first, second = ready_files(landing)
    assert first.sha256 == second.sha256 == hashlib.sha256(b"same bytes").hexdigest()
    stored = archive(first, store)
    assert archive(first, store) == stored
    assert stored.read_bytes() == b"same bytes"
    assert find_archived(store, first.sha256) == stored
    assert find_archived(store, "0" * 64) is None
