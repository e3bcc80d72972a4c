"""Opening the warehouse waits while another process holds it, and says who holds it."""

import subprocess
import sys

import duckdb
import pytest

from pipelines.warehouse.lock import WarehouseLocked, connect_waiting

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold(path, seconds):
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "holding"
    return process


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "learning_teams.duckdb"
    duckdb.connect(str(path)).close()
    return path


def test_waits_for_the_reader_to_let_go(warehouse):
    holder = hold(warehouse, 2)
    waits = []
    con = connect_waiting(warehouse, wait_seconds=60, on_wait=lambda m, p: waits.append(m))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    holder.wait(timeout=30)
    assert waits and "is locked by another process" in waits[0]


def test_gives_up_with_a_message_naming_the_holder(warehouse):
    holder = hold(warehouse, 20)
    try:
        with pytest.raises(WarehouseLocked, match="stayed locked for 1s .*published copy"):
            connect_waiting(warehouse, wait_seconds=1, on_wait=lambda m, p: None)
    finally:
        holder.kill()
        holder.wait()


def test_summary_never_crashes_on_a_missing_or_locked_file(tmp_path):
    from pipelines.make_run.summary import summarise

    missing = tmp_path / "none" / "learning_teams.duckdb"
    assert "does not exist yet" in summarise(missing)
    path = tmp_path / "learning_teams.duckdb"
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD.replace("read_only=True", "read_only=False"), str(path), "30"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "holding"
        assert "could not be read for the summary" in summarise(path, wait_seconds=0.5)
    finally:
        writer.kill()
        writer.wait()
