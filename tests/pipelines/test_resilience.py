"""No lock-outs: a reader holding the live file delays a load but does not lose it; `kill -9` of
`make run` during dbt, then a new run, succeeds; two runs started together both succeed.

These run the real command (`python -m pipelines.cli run`) in subprocesses on a temporary
warehouse and Dagster instance."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT, drop_sample_files

HOLD_SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
sys.stdin.readline()  # until the test says so
con.close()
print("released", flush=True)
"""


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    values = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "LT_WAREHOUSE_PATH": str(tmp_path / "wh" / "learning_teams.duckdb"),
        "LT_LANDING_DIR": str(tmp_path / "landing"),
        "LT_ARCHIVE_DIR": str(tmp_path / "wh" / "archive"),
        "LT_PUBLISH_DIR": str(tmp_path / "wh" / "published"),
        "LT_BUILDS_DIR": str(tmp_path / "wh" / "builds"),
        "LT_LOG_DIR": str(tmp_path / "wh" / "logs"),
        "LT_LITERATURE_RAW_DIR": str(tmp_path / "wh" / "raw" / "literature"),
        "LT_LANDING_SETTLE_SECONDS": "0",
        "LT_LOCK_WAIT_SECONDS": "120",
    }
    return values


class Run:
    """`python -m pipelines.cli run` in a subprocess, its output in a file (a pipe nobody reads
    would fill up and stall the run)."""

    def __init__(self, env, *args):
        self.log = Path(env["LT_WAREHOUSE_PATH"]).parent.parent / f"run-{time.monotonic_ns()}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipelines.cli", "run", *args],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def finish(self, timeout=420) -> tuple[int, str]:
        code = self.process.wait(timeout=timeout)
        return code, self.output()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout=240) -> None:
        """Until the run's output says `text` (fails if the run ends or the time runs out)."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process.poll() is None, f"run ended first:\n{self.output()}"
            assert time.monotonic() < deadline, f"never said {text!r}:\n{self.output()}"
            time.sleep(0.1)


def run_cli(env, *args) -> Run:
    return Run(env, *args)


def published_programmes(env) -> int:
    path = Path(env["LT_PUBLISH_DIR"]) / "learning_teams.duckdb"
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM marts.dim_programme").fetchone()[0]
    finally:
        con.close()


def test_a_reader_holding_the_live_file_delays_but_does_not_lose_a_load(env):
    live = Path(env["LT_WAREHOUSE_PATH"])
    live.parent.mkdir(parents=True)
    duckdb.connect(str(live)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(live)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    drop_sample_files(Path(env["LT_LANDING_DIR"]), "ghana_and_partners.json")
    run = run_cli(env, "--no-sample")
    run.wait_for("is locked by another process")  # it waits, and says why
    assert "loaded: 10 rows" not in run.output()  # nothing loaded while the reader holds it
    holder.communicate("go\n", timeout=30)  # the reader lets go ...
    code, output = run.finish()
    assert code == 0, output  # ... and the load goes on, nothing lost
    assert re.search(r"ingest \S*ghana_and_partners\.json \.+ +[0-9.]+s  loaded: 10 rows", output)
    assert published_programmes(env) == 10


def test_kill_9_during_dbt_then_a_new_run_succeeds(env):
    drop_sample_files(Path(env["LT_LANDING_DIR"]))
    victim = run_cli(env, "--no-sample").process
    dbt_logs = Path(env["LT_LOG_DIR"]) / "dbt"
    deadline = time.monotonic() + 240
    # dbt has built a node into the candidate (its per-node log names one as done)
    while not any("OK created" in p.read_text(errors="replace") for p in dbt_logs.glob("*.log")):
        assert time.monotonic() < deadline and victim.poll() is None, "dbt never started"
        time.sleep(0.1)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    code, output = run_cli(env, "--no-sample").finish()
    assert code == 0, output
    assert "marked interrupted run" in output
    assert published_programmes(env) == 42


def test_two_runs_started_together_both_succeed_with_nothing_lost(env):
    drop_sample_files(Path(env["LT_LANDING_DIR"]))
    runs = [run_cli(env, "--no-sample") for _ in range(2)]
    results = [r.finish() for r in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert published_programmes(env) == 42
    con = duckdb.connect(env["LT_WAREHOUSE_PATH"], read_only=True)
    files = con.execute("SELECT count(*) FROM raw.programme_record_files").fetchone()[0]
    con.close()
    assert files == 4
