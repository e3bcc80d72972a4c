"""Watch the landing folder. Every new entry is written to the landing journal with its outcome;
every new file to load is archived and becomes a dynamic partition and an ingest run.

A delivered file is moved out of landing once its bytes are in the archive (the rebuild source),
so landing holds only what waits or was refused, and a tick costs the same after 10,000
deliveries as after 10. What stays (ignored entries, a file that could not be removed) is
remembered in the sensor cursor (path -> type, size, mtime), so only new or changed entries are
read and hashed. The same bytes delivered again by the same organisation (under any name) are
journalled as a duplicate of the first delivery. A delivery whose
ingest run failed for a passing reason (a lock held too long, a killed process) is requested
again with exponential backoff; one that failed its audit is not (it needs a person: see
`python -m pipelines.cli landing`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from sources.programme_records.archive import (
    append_journal,
    archive_delivery,
    journal_path,
    journal_record,
)
from sources.programme_records.landing import (
    IGNORED,
    TO_LOAD,
    entry_identities,
    identity_of,
    scan_landing,
)

from .assets import OUTCOME_TAG
from .jobs import ingest_programme_records, record_landing_entries
from .partitions import programme_record_files
from .resources import LandingResource

FILE_NAME_TAG = "learning_teams/file_name"
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 1800
NO_RETRY_OUTCOMES = {"failed_audit", "discarded"}


def _move_out(landing_dir: Path, entry) -> bool:
    """Remove a delivered file from landing once its bytes are in the archive (the rebuild
    source), so landing holds only what waits and a tick costs the same after 10,000 files as
    after 10. Left in place (and remembered in the cursor) if it changed since it was read or
    cannot be removed."""
    path = landing_dir / entry.entry_path
    try:
        if identity_of(path.lstat()) != entry.identity:
            return False  # rewritten since it was read: the next tick reads it again
        path.unlink()
    except OSError:
        return False
    return True


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed run: 60, 120, 240, ... capped at 30 min."""
    return min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)


def _retries(instance: dg.DagsterInstance, now: float) -> list[dg.RunRequest]:
    """Deliveries whose latest ingest run failed for a passing reason, due for another try."""
    job = ingest_programme_records.name
    failed = instance.get_runs(
        filters=dg.RunsFilter(job_name=job, statuses=[dg.DagsterRunStatus.FAILURE])
    )
    # Only partitions with a failed run are looked at (not every delivery ever made): the
    # tick stays as cheap with 10,000 loaded files as with 10.
    keys = {run.tags.get("dagster/partition") for run in failed} - {None}
    requests = []
    for key in sorted(keys):
        history = instance.get_runs(  # newest first
            filters=dg.RunsFilter(job_name=job, tags={"dagster/partition": key}),
            limit=MAX_ATTEMPTS,
        )
        latest = history[0]
        if latest.status != dg.DagsterRunStatus.FAILURE:
            continue
        if latest.tags.get(OUTCOME_TAG) in NO_RETRY_OUTCOMES or len(history) >= MAX_ATTEMPTS:
            continue
        record = instance.get_run_record_by_id(latest.run_id)
        ended = record.end_time or record.update_timestamp.timestamp()
        if now - ended < retry_delay(len(history)):
            continue
        requests.append(
            dg.RunRequest(
                job_name=ingest_programme_records.name,
                run_key=f"{key}:{len(history) + 1}",
                partition_key=key,
                tags={FILE_NAME_TAG: latest.tags.get(FILE_NAME_TAG, key)},
            )
        )
    return requests


def evaluate_landing(
    context: dg.SensorEvaluationContext, landing: LandingResource, retry_now: bool = False
):
    """One tick (see module docstring). `retry_now` retries failed deliveries without waiting
    for their backoff (what `make run` does: a person is waiting)."""
    seen: dict[str, str] = json.loads(context.cursor).get("seen", {}) if context.cursor else {}
    now = datetime.now(UTC)
    # One stat per entry; only new or changed entries are classified, read and hashed.
    present = entry_identities(landing.landing_path)
    changed = {path for path, identity in present.items() if seen.get(path) != identity}
    entries = scan_landing(landing.landing_path, landing.settle_seconds, only=changed)
    journal, requests, new_keys = [], [], []
    for entry in entries:
        if seen.get(entry.entry_path) == entry.identity:
            continue
        seen[entry.entry_path] = entry.identity
        if entry.outcome != TO_LOAD:
            journal.append(journal_record(entry, now, outcome=entry.outcome, reason=entry.reason))
            continue
        try:
            delivery, earlier = archive_delivery(
                landing.landing_path, landing.archive_path, entry, now
            )
        except FileNotFoundError:
            # Gone since the scan: picked up by a concurrent tick (which journals it) or taken
            # back before it was read (nothing was delivered).
            del seen[entry.entry_path]
            continue
        except OSError as exc:  # swapped for a link since the scan, or unreadable
            journal.append(
                journal_record(entry, now, outcome=IGNORED, reason=f"could not be read: {exc}")
            )
            continue
        if earlier is not None:
            journal.append(
                journal_record(
                    entry,
                    now,
                    outcome="duplicate",
                    delivery=delivery,
                    duplicate_of=earlier,
                    reason=f"the same bytes as {earlier.entry_path}, delivered "
                    f"{earlier.delivered_at}",
                )
            )
            if _move_out(landing.landing_path, entry):
                del seen[entry.entry_path]
            continue
        journal.append(journal_record(entry, now, outcome=TO_LOAD, delivery=delivery))
        if _move_out(landing.landing_path, entry):
            del seen[entry.entry_path]
        context.log.info(f"new file {entry.entry_path} -> partition {delivery.file_id}")
        new_keys.append(delivery.file_id)
        requests.append(
            dg.RunRequest(
                job_name=ingest_programme_records.name,
                run_key=f"{delivery.file_id}:1",
                partition_key=delivery.file_id,
                tags={FILE_NAME_TAG: entry.entry_path},
            )
        )
    for gone in set(seen) - set(present):
        del seen[gone]  # removed from landing: a new entry at that path is a new delivery
    append_journal(landing.archive_path, journal)
    requests += _retries(context.instance, float("inf") if retry_now else now.timestamp())
    if journal:
        size = journal_path(landing.archive_path).stat().st_size
        requests.append(
            dg.RunRequest(job_name=record_landing_entries.name, run_key=f"journal:{size}")
        )
    unchanged = not changed and len(seen) == len(present)  # nothing new, nothing removed
    cursor = context.cursor if unchanged else json.dumps({"seen": seen})
    if not requests:
        return dg.SensorResult(
            skip_reason=f"{len(present)} entries in {landing.landing_path}, none new",
            cursor=cursor,
        )
    return dg.SensorResult(
        run_requests=requests,
        cursor=cursor,
        dynamic_partitions_requests=[programme_record_files.build_add_request(new_keys)]
        if new_keys
        else [],
    )


def build_landing_sensor(interval_seconds: int) -> dg.SensorDefinition:
    @dg.sensor(
        name="programme_records_landing_sensor",
        jobs=[ingest_programme_records, record_landing_entries],
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Journals every new entry of the programme-records landing folder and "
        "requests one ingest run per new file (and retries of runs that failed for a passing "
        "reason).",
    )
    def programme_records_landing_sensor(
        context: dg.SensorEvaluationContext, landing: LandingResource
    ):
        return evaluate_landing(context, landing)

    return programme_records_landing_sensor
