"""No lock-outs (runs.py has the shared pieces)."""

import signal
import time
from pathlib import Path

from tests.conftest import drop_sample_files
from tests.pipelines.resilience.runs import published_programmes, run_cli


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
