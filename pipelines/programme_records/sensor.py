"""Watch the landing folder. Every new entry is written to the landing journal with its outcome;
every new file to load is archived and becomes a dynamic partition and an ingest run.

A tick compares the folder with the sensor cursor (path -> type, size, mtime), so it hashes only
entries that are new or changed, not every file ever delivered. The same bytes delivered again
by the same organisation are journalled as a duplicate of the first delivery. A delivery whose
ingest run failed for a passing reason (a lock held too long, a killed process) is requested
again with exponential backoff; one that failed its audit is not (it needs a person: see
`python -m pipelines.cli landing`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import dagster as dg

from sources.programme_records.archive import (
    append_journal,
    archive_delivery,
    journal_path,
    journal_record,
)
from sources.programme_records.landing import IGNORED, TO_LOAD, scan_landing

from .assets import OUTCOME_TAG
from .jobs import ingest_programme_records, record_landing_entries
from .partitions import programme_record_files
from .resources import LandingResource

FILE_NAME_TAG = "learning_teams/file_name"
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 1800
NO_RETRY_OUTCOMES = {"failed_audit", "discarded"}


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed run: 60, 120, 240, ... capped at 30 min."""
    return min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)


def _retries(instance: dg.DagsterInstance, now: float) -> list[dg.RunRequest]:
    """Deliveries whose latest ingest run failed for a passing reason, due for another try."""
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=ingest_programme_records.name))
    by_partition: dict[str, list[dg.DagsterRun]] = {}
    for run in runs:  # newest first
        key = run.tags.get("dagster/partition")
        if key:
            by_partition.setdefault(key, []).append(run)
    requests = []
    for key, history in by_partition.items():
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
    entries = scan_landing(landing.landing_path, landing.settle_seconds)
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
        except OSError as exc:  # vanished, or swapped for a link, since the scan
            journal.append(
                journal_record(entry, now, outcome=IGNORED, reason=f"could not be read: {exc}")
            )
            continue
        if earlier is not None and earlier.entry_path == entry.entry_path:
            continue  # the same delivery seen again (e.g. the cursor was reset)
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
            continue
        journal.append(journal_record(entry, now, outcome=TO_LOAD, delivery=delivery))
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
    for gone in set(seen) - {e.entry_path for e in entries}:
        del seen[gone]  # removed from landing: a new entry at that path is a new delivery
    append_journal(landing.archive_path, journal)
    requests += _retries(context.instance, float("inf") if retry_now else now.timestamp())
    if journal:
        size = journal_path(landing.archive_path).stat().st_size
        requests.append(
            dg.RunRequest(job_name=record_landing_entries.name, run_key=f"journal:{size}")
        )
    cursor = json.dumps({"seen": seen}, sort_keys=True)
    if not requests:
        return dg.SensorResult(
            skip_reason=f"{len(entries)} entries in {landing.landing_path}, none new",
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
