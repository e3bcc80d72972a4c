"""Fault injection on the landing path: the process dies at each step of a sensor tick (before
and after the copy, before and after the journal write, after the archive, after the move out
of landing) or before the ingest run starts; the next ticks finish the work. Every delivered
file is then journalled once, archived once and asked for once, and nothing is left in landing
but what was refused. In-process through the fault hook (`LT_FAULT_AT`), and by ending a
subprocess abruptly (`LT_FAULT_MODE=exit`, no clean-up of any kind, like `kill -9`)."""

import os
import subprocess
import sys
from collections import Counter

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.make_run.driver import tick_landing_sensor
from sources.programme_records import faults
from sources.programme_records.archive import archived_deliveries, read_journal
from tests.conftest import REPO_ROOT, SAMPLE_DIR

INGEST = "ingest_programme_records"
SCAN_STEPS = [step for step in faults.STEPS if step.startswith("scan.")]
ORG = "acme"
BAD_NAME = b"bad\xffname.csv"


@pytest.fixture
def defs(settings):
    return build_definitions(settings)


@pytest.fixture
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


def deliver(landing_dir, copies: int = 1) -> dict[str, str]:
    """Sample files under ordinary and awkward names, a second copy of some bytes, and a file
    that is refused; returns {display path: expected outcome}."""
    folder = landing_dir / ORG
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for n in range(copies):
        suffix = f"_{n}" if copies > 1 else ""
        for sample in ("uk_partnerships_2002.csv", "ghana_and_partners.json"):
            data = (SAMPLE_DIR / sample).read_bytes() + (b"\n" * n)  # new bytes per copy
            stem, ext = sample.rsplit(".", 1)
            (folder / f"{stem}{suffix}.{ext}").write_bytes(data)
            expected[f"{ORG}/{stem}{suffix}.{ext}"] = "to_load"
        bad = os.path.join(
            os.fsencode(folder), BAD_NAME.replace(b".csv", suffix.encode() + b".csv")
        )
        with open(bad, "wb") as out:
            out.write((SAMPLE_DIR / "late_submissions_2024.csv").read_bytes() + b"\n" * n)
        expected[f"{ORG}/bad\\xffname{suffix}.csv"] = "to_load"
    (folder / "zz_copy.csv").write_bytes((SAMPLE_DIR / "uk_partnerships_2002.csv").read_bytes())
    expected[f"{ORG}/zz_copy.csv"] = "duplicate"
    (folder / "notes.txt").write_text("not a programme file")
    expected[f"{ORG}/notes.txt"] = "ignored"
    return expected


def submit(instance, result) -> list[str]:
    """Create the requested runs as the daemon does; returns the ingest partitions asked for."""
    keys = []
    for request in result.run_requests or []:
        tags = dict(request.tags)
        if request.partition_key:
            tags["dagster/partition"] = request.partition_key
            keys.append(request.partition_key)
        instance.add_run(dg.DagsterRun(job_name=request.job_name, tags=tags))
    return keys


def tick_until_quiet(defs, instance, limit: int = 5) -> Counter:
    asked: Counter = Counter()
    for _ in range(limit):
        result = tick_landing_sensor(defs, instance)
        keys = submit(instance, result)
        asked.update(keys)
        if not result.run_requests:
            return asked
    raise AssertionError(f"the sensor still asks for runs after {limit} ticks")


def assert_everything_accounted_for_once(settings, expected, asked):
    journal = read_journal(settings.archive_dir)
    lines = Counter(r["entry_path"] for r in journal)
    assert lines == Counter(list(expected)), "every entry journalled exactly once"
    assert {r["entry_path"]: r["outcome"] for r in journal} == expected
    to_load = {r["file_id"] for r in journal if r["outcome"] == "to_load"}
    assert {d.file_id for d in archived_deliveries(settings.archive_dir)} == to_load
    assert asked == Counter(to_load), "each delivery asked for once"
    duplicate = next(r for r in journal if r["outcome"] == "duplicate")
    assert duplicate["duplicate_of"] in (
        f"{ORG}/uk_partnerships_2002.csv",
        f"{ORG}/uk_partnerships_2002_0.csv",
    )
    remaining = sorted(p.name for p in (settings.landing_dir / ORG).iterdir())
    assert remaining == ["notes.txt"], "landing holds only what was refused"


@pytest.mark.parametrize("step", SCAN_STEPS)
def test_a_tick_that_dies_at_any_step_is_finished_by_the_next(
    step, defs, instance, settings, monkeypatch
):
    expected = deliver(settings.landing_dir)
    monkeypatch.setenv(faults.FAULT_ENV, step)
    with pytest.raises(faults.InjectedFault):
        tick_landing_sensor(defs, instance)
    monkeypatch.delenv(faults.FAULT_ENV)
    after = tick_landing_sensor(defs, instance)
    if step not in ("scan.before_copy", "scan.after_copy", "scan.before_journal"):
        # what the dead tick journalled is loaded into raw.landing_entries by a run
        assert "record_landing_entries" in {r.job_name for r in after.run_requests}
    asked = Counter(submit(instance, after)) + tick_until_quiet(defs, instance)
    assert_everything_accounted_for_once(settings, expected, asked)


def test_dying_before_the_run_starts_leaves_a_delivery_that_is_asked_for_again(
    defs, instance, settings
):
    """`make run` died between the tick (cursor saved, files moved out) and the ingest: the
    next tick finds the journalled deliveries with no run and asks for them."""
    expected = deliver(settings.landing_dir)
    first = tick_landing_sensor(defs, instance)  # asked for, never run
    assert {r.partition_key for r in first.run_requests if r.job_name == INGEST}
    asked = tick_until_quiet(defs, instance)
    assert_everything_accounted_for_once(settings, expected, asked)


def test_a_journal_line_torn_by_a_crash_is_skipped_and_the_next_line_is_whole(
    defs, instance, settings
):
    settings.archive_dir.mkdir(parents=True)
    (settings.archive_dir / "landing_journal.jsonl").write_bytes(b'{"entry_path": "acme/x.c')
    expected = deliver(settings.landing_dir)
    asked = tick_until_quiet(defs, instance)
    assert_everything_accounted_for_once(settings, expected, asked)


SUBPROCESS_TICK = """
import dagster as dg
from pipelines.definitions import build_definitions
from pipelines.make_run.driver import tick_landing_sensor
from pipelines.settings import Settings
with dg.instance_for_test() as instance:
    tick_landing_sensor(build_definitions(Settings.from_env()), instance)
"""


def test_a_process_ended_abruptly_mid_tick_loses_nothing(defs, instance, settings):
    """30 files; the process ends with the journal written and every copy still in the
    archive's scratch folder (no Python clean-up runs, as with kill -9)."""
    expected = deliver(settings.landing_dir, copies=10)
    env = {**os.environ, faults.FAULT_ENV: "scan.after_journal", faults.MODE_ENV: "exit"}
    died = subprocess.run(
        [sys.executable, "-c", SUBPROCESS_TICK], cwd=REPO_ROOT, env=env, capture_output=True
    )
    assert died.returncode == 137, died.stderr.decode()[-2000:]
    asked = tick_until_quiet(defs, instance)
    assert_everything_accounted_for_once(settings, expected, asked)
    assert not any((settings.archive_dir / "files" / ".incoming").iterdir()), "scratch removed"
