"""No lock-outs (runs.py has the shared pieces)."""

import signal
import time
from pathlib import Path

import pytest

from tests.conftest import deliver_one_record
from tests.pipelines.resilience.runs import SAMPLE_PROGRAMMES, published_programmes, run_cli

pytestmark = pytest.mark.heavy


def test_kill_9_during_dbt_then_a_new_run_succeeds(env):
    deliver_one_record(Path(env["LT_LANDING_DIR"]), "late-partner", "GBR-KILL-0001")
    dbt_logs = Path(env["LT_LOG_DIR"]) / "dbt"
    earlier = set(dbt_logs.glob("*.log"))  # the sample run's
    victim = run_cli(env).process
    deadline = time.monotonic() + 240
    # dbt has built a node into this run's candidate (its per-node log names one as done)
    while not any(
        "OK created" in p.read_text(errors="replace") for p in set(dbt_logs.glob("*.log")) - earlier
    ):
        assert time.monotonic() < deadline and victim.poll() is None, "dbt never started"
        time.sleep(0.1)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    code, output = run_cli(env).finish()
    assert code == 0, output
    assert "marked interrupted run" in output
    assert published_programmes(env) == SAMPLE_PROGRAMMES + 1
