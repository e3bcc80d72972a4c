"""An interrupted in-process run must not hold the warehouse pool slot forever."""

import os
import subprocess
import sys

import dagster as dg

from pipelines.make_run.driver import LAUNCHED_BY_TAG, PID_TAG, release_orphaned_runs
from pipelines.warehouse.resource import WAREHOUSE_POOL


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_runs_of_dead_processes_are_failed_and_their_slots_freed():
    with dg.instance_for_test(
        overrides={"concurrency": {"pools": {"default_limit": 1}}}
    ) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(WAREHOUSE_POOL, 1)

        def started_run(pid: int) -> dg.DagsterRun:
            run = dg.DagsterRun(
                job_name="build_warehouse",
                status=dg.DagsterRunStatus.STARTED,
                tags={LAUNCHED_BY_TAG: "local_run", PID_TAG: str(pid)},
            )
            instance.add_run(run)
            return run

        orphan = started_run(dead_pid())
        assert storage.claim_concurrency_slot(WAREHOUSE_POOL, orphan.run_id, "step").is_claimed
        alive = started_run(os.getppid())  # a live process: left alone

        assert release_orphaned_runs(instance) == [orphan.run_id]
        assert instance.get_run_by_id(orphan.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
        claim = storage.claim_concurrency_slot(WAREHOUSE_POOL, "next-run", "step")
        assert claim.is_claimed
