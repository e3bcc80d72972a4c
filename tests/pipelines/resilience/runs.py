"""No lock-outs: the real command (`python -m pipelines.cli run --no-sample --no-reports`) in
subprocesses on a copy of the sample run, shared by the resilience tests (one file per test, so
the two test workers run them side by side)."""

import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.conftest import REPO_ROOT

HOLD_SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
sys.stdin.readline()  # until the test says so
con.close()
print("released", flush=True)
"""


class Run:
    """`python -m pipelines.cli run` in a subprocess, its output in a file (a pipe nobody reads
    would fill up and stall the run)."""

    def __init__(self, env):
        self.log = Path(env["LT_WAREHOUSE_PATH"]).parent.parent / f"run-{time.monotonic_ns()}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipelines.cli", "run", "--no-sample", "--no-reports"],
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


def run_cli(env) -> Run:
    return Run(env)


SAMPLE_PROGRAMMES = 42
"""Programmes the sample run published."""


def published_programmes(env) -> int:
    path = Path(env["LT_PUBLISH_DIR"]) / "learning_teams.duckdb"
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM marts.dim_programme").fetchone()[0]
    finally:
        con.close()
