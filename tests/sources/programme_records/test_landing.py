"""Every landing entry is classified with a reason; links are never followed."""

import os
import stat
import time

import pytest

from sources.programme_records.landing import (
    IGNORED,
    REJECTED,
    TO_LOAD,
    entry_identities,
    scan_landing,
    settle_wait,
)
from tests.sources.programme_records.helpers import hard_link_to_a_machine_file


def outcomes(landing, settle=0.0):
    return {
        e.entry_path: (e.entry_type, e.outcome, e.reason) for e in scan_landing(landing, settle)
    }


def test_every_kind_of_entry_is_accounted_for(tmp_path):
    org = tmp_path / "acme"
    org.mkdir()
    (org / "records.csv").write_text("x")
    (org / ".hidden.csv").write_text("x")
    (org / "~$lock.xlsx").write_text("x")
    (org / "upload.csv.part").write_text("x")
    (org / "notes.txt").write_text("x")
    (org / "nested").mkdir()
    os.symlink("/etc/group", org / "group.csv")
    os.symlink(org / "records.csv", org / "inside.csv")
    (tmp_path / "stray.json").write_text("[]")
    (tmp_path / "Bad Name").mkdir()
    os.symlink("/etc", tmp_path / "etc")
    found = outcomes(tmp_path)
    assert found["acme/records.csv"] == ("file", TO_LOAD, None)
    assert found["acme/group.csv"][:2] == ("link", IGNORED)
    assert found["acme/inside.csv"][:2] == ("link", IGNORED)
    assert "links are not followed" in found["acme/group.csv"][2]
    assert found["acme/.hidden.csv"][1] == IGNORED
    assert found["acme/~$lock.xlsx"][1] == IGNORED
    assert "partial" in found["acme/upload.csv.part"][2]
    assert "unsupported file type '.txt'" in found["acme/notes.txt"][2]
    assert found["acme/nested"][:2] == ("directory", IGNORED)
    assert found["stray.json"][1] == REJECTED
    assert "organisation folder" in found["stray.json"][2]
    assert found["Bad Name"][:2] == ("directory", IGNORED)
    assert found["etc"][:2] == ("link", IGNORED)
    assert len(found) == 11
    # The cheap pass of a sensor tick sees the same entries with the same identities ...
    full = {e.entry_path: e.identity for e in scan_landing(tmp_path)}
    assert entry_identities(tmp_path) == full
    # ... and a scan of only the changed ones classifies just those.
    only = scan_landing(tmp_path, only={"acme/records.csv", "stray.json"})
    assert [e.entry_path for e in only] == ["acme/records.csv", "stray.json"]


def old_and_fresh_files(landing):
    """acme/old.csv, unchanged for a minute, and acme/fresh.csv, just written."""
    org = landing / "acme"
    org.mkdir()
    (org / "old.csv").write_text("x")
    old = time.time() - 60
    os.utime(org / "old.csv", (old, old))
    (org / "fresh.csv").write_text("y")
    return org


def test_a_file_still_being_written_waits(tmp_path):
    old_and_fresh_files(tmp_path)
    assert list(outcomes(tmp_path, settle=10)) == ["acme/old.csv"]


def test_settle_wait_is_the_time_until_the_youngest_file_settles(tmp_path):
    org = old_and_fresh_files(tmp_path)
    now = 50  # seconds after the fresh file's mtime
    os.utime(org / "fresh.csv", ns=(now * 10**9, now * 10**9))
    identities = entry_identities(tmp_path)
    assert settle_wait(identities, {"acme/old.csv"}, 2.0) == 0.0
    assert settle_wait(identities, {"acme/fresh.csv"}, 2.0, now_ns=(now + 0.5) * 10**9) == 1.5
    assert settle_wait(identities, {"acme/fresh.csv"}, 2.0, now_ns=(now + 3) * 10**9) == 0.0


def test_only_regular_files_with_one_link_owned_by_the_landing_owner_are_read(tmp_path):
    import socket

    landing = tmp_path / "landing"
    org = landing / "acme"
    org.mkdir(parents=True)
    (org / "records.csv").write_text("x")
    hard_link_to_a_machine_file(org / "passwd.csv", tmp_path / "outside")
    os.mkfifo(org / "pipe.csv")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(org / "sock.csv"))
    (org / "empty.json").write_bytes(b"")
    found = outcomes(landing)
    server.close()
    assert found["acme/records.csv"] == ("file", TO_LOAD, None)
    assert found["acme/passwd.csv"][:2] == ("file", IGNORED)
    assert "hard link" in found["acme/passwd.csv"][2]
    assert found["acme/pipe.csv"] == (
        "other",
        IGNORED,
        "a FIFO (named pipe); only regular files are read",
    )
    assert found["acme/sock.csv"] == ("other", IGNORED, "a socket; only regular files are read")
    assert found["acme/empty.json"] == ("file", REJECTED, "the file is empty (0 bytes)")
    other_owner = {e.entry_path: e.reason for e in scan_landing(landing, owner_uid=os.getuid() + 1)}
    assert "not by the landing folder's owner" in other_owner["acme/records.csv"]


def test_a_device_is_ignored_with_its_reason(tmp_path):
    org = tmp_path / "acme"
    org.mkdir()
    try:
        os.mknod(org / "null.csv", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device needs root")
    assert outcomes(tmp_path)["acme/null.csv"] == (
        "other",
        IGNORED,
        "a device; only regular files are read",
    )


def test_names_that_are_not_utf8_hold_a_newline_or_are_255_bytes_are_scanned(tmp_path):
    org = tmp_path / "acme"
    org.mkdir()
    names = [b"bad\xffname.csv", b"two\nlines.csv", b"a" * 251 + b".csv"]
    for name in names:
        with open(os.path.join(os.fsencode(org), name), "wb") as out:
            out.write(b"x")
    found = {e.display_path: e for e in scan_landing(tmp_path)}
    assert set(found) == {"acme/bad\\xffname.csv", "acme/two\\nlines.csv", f"acme/{'a' * 251}.csv"}
    assert all(e.outcome == TO_LOAD for e in found.values())
    bad = found["acme/bad\\xffname.csv"]
    assert bytes.fromhex(bad.path_bytes_hex) == b"acme/bad\xffname.csv"
    assert found[f"acme/{'a' * 251}.csv"].path_bytes_hex is None
