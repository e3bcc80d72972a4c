"""Opening the Dagster instance is serialised across processes (SQLite storage creates its
tables on first open; two commands started together must not both create them)."""

import fcntl
import os
import subprocess
import sys
import time

from pipelines.instance import LOCK_FILE

OPEN = "from pipelines.instance import open_instance; open_instance(); print('opened')"


def test_a_second_process_waits_for_the_lock_then_opens_the_instance(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "DAGSTER_DISABLE_TELEMETRY": "1"}
    with (tmp_path / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        opener = subprocess.Popen(
            [sys.executable, "-c", OPEN], env=env, stdout=subprocess.PIPE, text=True
        )
        time.sleep(8)  # long enough to import dagster and reach the lock
        assert opener.poll() is None, "opened the instance while another process held the lock"
        assert not (tmp_path / "history" / "runs.db").exists()
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, _ = opener.communicate(timeout=120)
    assert opener.returncode == 0 and out.strip() == "opened"
    assert (tmp_path / "history" / "runs.db").exists()
