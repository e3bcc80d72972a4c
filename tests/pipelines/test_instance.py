"""Opening the Dagster instance is serialised across processes (SQLite storage creates its
tables on first open; two commands started together must not both create them)."""

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

from pipelines.instance import LOCK_FILE

OPEN = "from pipelines.instance import open_instance; open_instance(); print('opened')"


def blocked_on_flock(pid: int, path: Path) -> bool:
    """Whether `pid` waits for a flock on `path` (Linux lists waiters in /proc/locks with '->')."""
    inode = os.stat(path).st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and "FLOCK" in fields:
            rest = fields[fields.index("->") + 1 :]
            if rest[3] == str(pid) and rest[4].rsplit(":", 1)[1] == str(inode):
                return True
    return False


def test_a_second_process_waits_for_the_lock_then_opens_the_instance(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "DAGSTER_DISABLE_TELEMETRY": "1"}
    lock_path = tmp_path / LOCK_FILE
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        opener = subprocess.Popen(
            [sys.executable, "-c", OPEN], env=env, stdout=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 120
        while not blocked_on_flock(opener.pid, lock_path):
            assert opener.poll() is None, "opened the instance while another process held the lock"
            assert time.monotonic() < deadline, "the opener never reached the lock"
            time.sleep(0.05)
        assert not (tmp_path / "history" / "runs.db").exists()
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, _ = opener.communicate(timeout=120)
    assert opener.returncode == 0 and out.strip() == "opened"
    assert (tmp_path / "history" / "runs.db").exists()
