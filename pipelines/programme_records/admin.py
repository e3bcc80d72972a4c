"""What a data engineer does with a delivered file that needs attention: see it, re-run it, or
discard it; and rebuilding the raw layer from the archive.

    python -m pipelines.cli landing status              deliveries that need attention
    python -m pipelines.cli landing retry FILE          ingest FILE again, then rebuild
    python -m pipelines.cli landing discard FILE -r WHY take FILE's rows out, then rebuild
    python -m pipelines.cli landing rebuild             replay every archived delivery

FILE is a partition key (`organisation/file@hash`), a landing path (`organisation/file`) or a
file name. To fix a file, deliver the corrected file into the landing folder (new bytes are a
new delivery); discard the old one if its rows must go. A discard is recorded in the archive
(`decisions.jsonl`) before anything else: retries, the sensor and rebuilds honour it.
"""

from __future__ import annotations

import dagster as dg

from sources.processes import is_alive
from sources.programme_records.archive import (
    discarded,
    find_delivery,
    read_journal,
    record_decision,
)
from sources.programme_records.discards import DISCARDED, apply_discard
from sources.programme_records.landing import TO_LOAD

from ..make_run.driver import (
    FILE_NAME_TAG,
    LAUNCHED_BY_TAG,
    PID_TAG,
    build,
    ingest,
    record_entries,
)
from .assets import OUTCOME_TAG
from .partitions import programme_record_files
from .sensor import INGEST_JOBS, reconcile_archive

NEEDS_ATTENTION = ("rejected",)
UNFINISHED = (
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.CANCELING,
)


def _archive(defs: dg.Definitions):
    return defs.resources["landing"].archive_path


def _deliveries(defs: dg.Definitions) -> list[dict]:
    """The journal's deliveries to load, once each, in delivery order."""
    found: dict[str, dict] = {}
    for record in read_journal(_archive(defs)):
        if record.get("outcome") == TO_LOAD and record.get("file_id"):
            found.setdefault(record["file_id"], record)
    return sorted(found.values(), key=lambda r: r["seen_at"])


def resolve(defs: dg.Definitions, file: str) -> str:
    """The partition key of a delivery named by key, landing path or file name."""
    matches = {
        r["file_id"]
        for r in _deliveries(defs)
        if file in (r["file_id"], r["entry_path"], r["entry_path"].rsplit("/", 1)[-1])
    }
    if len(matches) != 1:
        found = ", ".join(sorted(matches)) or "none"
        raise SystemExit(f"'{file}' names {len(matches)} deliveries ({found}); give the key")
    return matches.pop()


def latest_attempts(instance: dg.DagsterInstance) -> dict[str, dg.RunRecord]:
    """The latest run of each delivery, whichever ingest job ran it."""
    records = [
        record
        for job in INGEST_JOBS
        for record in instance.get_run_records(filters=dg.RunsFilter(job_name=job))
    ]
    latest: dict[str, dg.RunRecord] = {}
    for record in sorted(records, key=lambda r: r.create_timestamp, reverse=True):
        latest.setdefault(record.dagster_run.tags.get("dagster/partition", ""), record)
    return latest


def _never_finished(run: dg.DagsterRun) -> bool:
    """A run recorded as under way whose process is gone (`make run` killed)."""
    pid = int(run.tags.get(PID_TAG, "0") or 0)
    return (
        run.status in UNFINISHED
        and run.tags.get(LAUNCHED_BY_TAG) == "local_run"
        and pid > 0
        and not is_alive(pid)
    )


def status_lines(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[str]:
    """One line per delivery or landing entry that needs a person: its latest attempt failed
    (whatever job ran it), a run that never finished, a delivery journalled with no run yet,
    every row rejected, or an entry rejected at the landing step. Discarded ones are settled."""
    reconcile_archive(_archive(defs))  # an archived delivery with no journal line gets one
    settled = discarded(_archive(defs))
    latest = latest_attempts(instance)
    lines = []
    for key, record in sorted(latest.items()):
        run = record.dagster_run
        outcome = run.tags.get(OUTCOME_TAG)
        if key in settled or outcome == DISCARDED:
            continue
        if run.status == dg.DagsterRunStatus.FAILURE:
            if outcome and outcome != "failed_audit":
                why = f"loaded ({outcome}), but its run ({run.job_name}) failed after the load"
            else:
                why = outcome or f"its run ({run.job_name}) failed (see it in the Dagster UI)"
            lines.append(f"{key}: {why}; retry or discard it")
        elif _never_finished(run):
            lines.append(f"{key}: its run {run.run_id[:8]} never finished; make run retries it")
        elif outcome == "rejected":
            lines.append(f"{key}: every row was rejected (see raw.programme_records_quarantine)")
    for record in _deliveries(defs):
        key = record["file_id"]
        if key not in latest and key not in settled:
            lines.append(f"{key}: delivered {record['seen_at']}, not loaded yet (no run)")
    for record in read_journal(_archive(defs)):
        if record["outcome"] in NEEDS_ATTENTION:
            lines.append(f"{record['entry_path']}: {record['outcome']}: {record['reason']}")
    return lines


def retry(defs, instance, file: str, log_level: str = "WARNING", then_build: bool = True) -> bool:
    key = resolve(defs, file)
    if key in discarded(_archive(defs)):
        print(f"{key} was discarded; deliver the file again to load it")
        return False
    instance.add_dynamic_partitions(programme_record_files.name, [key])
    run = ingest(
        defs, instance, dg.RunRequest(partition_key=key, tags={FILE_NAME_TAG: key}), log_level
    )
    print(f"ingest {key}: {'ok' if run.success else 'FAILED'}")
    return run.success and (not then_build or build(defs, instance, log_level).success)


def discard(
    defs, instance, file: str, reason: str, log_level: str = "WARNING", then_build: bool = True
) -> bool:
    """Record the decision (durably, first), take the delivery's rows out of raw, mark its runs,
    then rebuild what depends on raw."""
    key = resolve(defs, file)
    record_decision(_archive(defs), key, DISCARDED, reason)
    delivery = find_delivery(_archive(defs), key)
    with defs.resources["warehouse"].connect() as con:
        removed = apply_discard(con, delivery, reason)
    latest = latest_attempts(instance).get(key)
    if latest is not None:
        instance.add_run_tags(latest.dagster_run.run_id, {OUTCOME_TAG: DISCARDED})
    print(f"discarded {key}: {removed} row(s) taken out of raw.programme_records")
    return not then_build or build(defs, instance, log_level).success


def rebuild(defs, instance, log_level: str = "WARNING", then_build: bool = True) -> bool:
    """Replay every archived delivery, in delivery order, into the configured warehouse (a
    discarded one is recorded as discarded, not loaded)."""
    reconcile_archive(_archive(defs))
    keys = [r["file_id"] for r in _deliveries(defs)]
    instance.add_dynamic_partitions(programme_record_files.name, keys)
    ok = True
    for key in keys:
        run = ingest(
            defs, instance, dg.RunRequest(partition_key=key, tags={FILE_NAME_TAG: key}), log_level
        )
        ok &= run.success
    record_entries(defs, instance, log_level)
    return (not then_build or build(defs, instance, log_level).success) and ok
