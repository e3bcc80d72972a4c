"""Watch the landing folder. Every new entry is written to the landing journal with its outcome;
every new file to load is archived and becomes a dynamic partition and an ingest run. A single
new file arriving while nothing else runs gets one run that also builds and publishes what
depends on it (`ingest_and_publish_programme_records`: the shortest way to the published copy);
several at once get an ingest run each, and the build sensor then makes one build of them all.

Write-ahead: a tick copies each new file into the archive's scratch folder (only reading it),
writes the journal lines of everything it found (fsync), places the copies in the archive, and
only then moves the files out of landing and asks for their runs. A tick that dies at any step
is re-done by the next: the journal lines it wrote since the cursor's `journal_offset` are
recognised (not written twice), and every delivery journalled there is checked for a run (one
that has none is asked for again). The cursor's offset moves past a delivery once it has a run.
The first tick of a cursor (and `make run`, and the landing commands) also reconcile the
archive with the journal: a delivery archived with no journal line gets one.

A delivered file is moved out of landing once its bytes are in the archive (the rebuild source),
so landing holds only what waits or was refused, and a tick costs the same after 10,000
deliveries as after 10. What stays (ignored entries, a file that could not be removed) is
remembered in the sensor cursor (path -> type, size, mtime), so only new or changed entries are
read and hashed. The same bytes delivered again by the same organisation (under any name) are
journalled as a duplicate of the first delivery.

Retries are Dagster's: the ingest step has a retry policy with exponential backoff (a lock held
too long, a passing error; pipelines/operations/retries.py), and the instance retries a run
that died (run_retries in dagster.yaml; a failed step is not retried twice). The one case left
to this sensor is `make run`, where no daemon runs: with `retry_now` a delivery whose latest run
died (its process killed; not a step failure, which the policy already retried) is asked for
again, up to MAX_ATTEMPTS runs. A failed audit or a discard needs a person (`python -m
pipelines.cli landing`)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from sources.programme_records.archive import (
    Refused,
    append_journal,
    archived_deliveries,
    clean_incoming,
    copy_to_incoming,
    discarded,
    entry_key,
    first_delivery,
    journal_path,
    journal_record,
    new_delivery,
    place_in_archive,
    read_journal,
    read_journal_tail,
    sync_archive,
)
from sources.programme_records.faults import fault_point
from sources.programme_records.landing import (
    IGNORED,
    TO_LOAD,
    entry_identities,
    identity_of,
    scan_landing,
    settle_wait,
)

from ..warehouse.automation import ACTIVE
from ..warehouse.jobs import PUBLISHES_TAG
from .assets import OUTCOME_TAG
from .jobs import (
    ingest_and_publish_programme_records,
    ingest_programme_records,
    record_landing_entries,
)
from .partitions import programme_record_files
from .resources import LandingResource

FILE_NAME_TAG = "learning_teams/file_name"
FAILURE_REASON_TAG = "dagster/failure_reason"
"""Set by Dagster on a failed run: STEP_FAILURE when a step failed (after its retry policy)."""
STEP_FAILURE = "STEP_FAILURE"
MAX_ATTEMPTS = 4
NO_RETRY_OUTCOMES = {"failed_audit", "discarded"}
INGEST_JOBS = (ingest_programme_records.name, ingest_and_publish_programme_records.name)


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


def _retries(
    instance: dg.DagsterInstance, skip: dict[str, str] | None = None
) -> list[dg.RunRequest]:
    """Deliveries whose latest ingest run died (no step failed: the process was killed or the
    run never got going), for `make run` to try again at once (an ingest-and-publish run counts
    as an ingest run until its file is loaded: a failure after that is the build's, which the
    build sensor takes up). A step failure is not here: the step's retry policy already tried
    it again with backoff, and what still fails needs a person."""
    jobs = INGEST_JOBS
    failed = [
        run
        for job in jobs
        for run in instance.get_runs(
            filters=dg.RunsFilter(job_name=job, statuses=[dg.DagsterRunStatus.FAILURE])
        )
    ]
    # Only partitions with a failed run are looked at (not every delivery ever made): the
    # tick stays as cheap with 10,000 loaded files as with 10.
    keys = {run.tags.get("dagster/partition") for run in failed} - {None} - set(skip or {})
    requests = []
    for key in sorted(keys):
        history = [  # newest first
            run
            for run in instance.get_runs(
                filters=dg.RunsFilter(tags={"dagster/partition": key}), limit=2 * MAX_ATTEMPTS
            )
            if run.job_name in jobs
        ][:MAX_ATTEMPTS]
        latest = history[0]
        if latest.status != dg.DagsterRunStatus.FAILURE:
            continue
        if latest.job_name != jobs[0] and latest.tags.get(OUTCOME_TAG):
            continue  # its file loaded; the build step failed
        if latest.tags.get(OUTCOME_TAG) in NO_RETRY_OUTCOMES or len(history) >= MAX_ATTEMPTS:
            continue
        if latest.tags.get(FAILURE_REASON_TAG) == STEP_FAILURE:
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


def _busy(instance: dg.DagsterInstance) -> bool:
    """Whether a run of this source or a warehouse build is queued or running."""
    own = {ingest_programme_records.name, record_landing_entries.name}
    runs = instance.get_runs(dg.RunsFilter(statuses=ACTIVE))
    return any(r.job_name in own or r.tags.get(PUBLISHES_TAG) for r in runs)


def reconcile_archive(archive_dir: Path, now: datetime | None = None) -> list[dict]:
    """Make the journal account for the archive: a delivery placed in the archive with no
    journal line (left by an older version, or a copy restored by hand) gets one, so it is
    loaded; copies left in the scratch folder by dead processes are removed. Returns the
    journal lines written. Reads the whole journal: done on start, not every tick."""
    clean_incoming(archive_dir)
    journalled = {r.get("file_id") for r in read_journal(archive_dir)}
    now = now or datetime.now(UTC)
    missing = [d for d in archived_deliveries(archive_dir) if d.file_id not in journalled]
    records = [
        {
            "entry_path": d.entry_path,
            "organisation": d.organisation,
            "entry_type": "file",
            "size_bytes": d.size_bytes,
            "modified_at": datetime.fromtimestamp(d.modified_ns / 1e9, UTC).isoformat()
            if d.modified_ns is not None
            else None,
            "sha256": d.sha256,
            "seen_at": d.delivered_at,
            "outcome": TO_LOAD,
            "reason": f"found in the archive with no journal line (recovered {now.isoformat()})",
            "duplicate_of": None,
            "file_id": d.file_id,
        }
        for d in missing
    ]
    append_journal(archive_dir, records)
    return records


def _keys_with_runs(instance: dg.DagsterInstance, keys: list[str], chunk: int = 500) -> set[str]:
    """The partitions among `keys` that have a run of any job (one query per `chunk` keys)."""
    found: set[str] = set()
    for start in range(0, len(keys), chunk):
        runs = instance.get_runs(
            filters=dg.RunsFilter(tags={"dagster/partition": keys[start : start + chunk]})
        )
        found.update(run.tags.get("dagster/partition") for run in runs)
    return found


def _pending_runs(
    instance: dg.DagsterInstance,
    tail: list[tuple[int, dict]],
    end: int,
    requested: set[str],
    skip: dict[str, str],
) -> tuple[list[dg.RunRequest], int]:
    """The deliveries journalled since the cursor's offset that have no run (their tick died
    before asking, or `make run` died before running it): a request for each, and the offset
    the cursor may move to (the first delivery still without a run, else the end)."""
    requests, first_open = [], end
    journalled = [
        (position, record["file_id"], record)
        for position, record in tail
        if record.get("outcome") == TO_LOAD and record.get("file_id")
    ]
    to_check = sorted({key for _, key, _ in journalled} - requested - set(skip))
    with_runs = _keys_with_runs(instance, to_check) if to_check else set()
    for position, key, record in journalled:
        if key in skip:
            continue
        if key in requested:
            first_open = min(first_open, position)
        elif key not in with_runs:
            requests.append(
                dg.RunRequest(
                    job_name=ingest_programme_records.name,
                    run_key=f"{key}:1",
                    partition_key=key,
                    tags={FILE_NAME_TAG: record["entry_path"]},
                )
            )
            requested.add(key)
            first_open = min(first_open, position)
    return requests, first_open


def evaluate_landing(
    context: dg.SensorEvaluationContext,
    landing: LandingResource,
    retry_now: bool = False,
    fast_path: bool = False,
):
    """One tick (see module docstring). `retry_now` (what `make run` does: no daemon retries a
    run that died there) asks again for deliveries whose latest run died. With `fast_path`, a single
    new file arriving while nothing else runs gets one run that ingests it and publishes what
    depends on it (the lowest latency); otherwise each file gets an ingest run and the build
    sensor makes one build of them all."""
    state = json.loads(context.cursor) if context.cursor else {}
    seen: dict[str, str] = state.get("seen", {})
    archive = landing.archive_path
    now = datetime.now(UTC)
    offset = state.get("journal_offset", 0)
    # One stat per entry; only new or changed entries are classified, read and hashed.
    present = entry_identities(landing.landing_path)
    changed = {path for path, identity in present.items() if seen.get(path) != identity}
    wait = settle_wait(present, changed, landing.settle_seconds)
    if 0 < wait <= landing.settle_seconds:
        # A file arrived moments ago: wait for it to settle rather than a whole tick interval.
        time.sleep(wait)
        present = entry_identities(landing.landing_path)
        changed = {path for path, identity in present.items() if seen.get(path) != identity}
    if "journal_offset" not in state:
        reconcile_archive(archive, now)
    elif changed:
        clean_incoming(archive)  # copies a dead process left (one listing, usually empty)
    entries = scan_landing(landing.landing_path, landing.settle_seconds, only=changed)
    # What a tick that died wrote since the cursor: recognised, not written twice.
    tail, _ = read_journal_tail(archive, offset) if changed or offset == 0 else ([], offset)
    journalled = {entry_key(record): record for _, record in tail}
    journal, to_place, to_move = [], [], []
    batch: dict[tuple, object] = {}  # (organisation, sha256) -> delivery new in this tick
    for entry in entries:
        if seen.get(entry.entry_path) == entry.identity:
            continue
        seen[entry.entry_path] = entry.identity
        if entry.outcome != TO_LOAD:
            record = journal_record(entry, now, outcome=entry.outcome, reason=entry.reason)
            if entry_key(record) not in journalled:
                journal.append(record)
            continue
        fault_point("scan.before_copy")
        try:
            copy, sha256, size = copy_to_incoming(
                landing.landing_path, archive, entry, durable=False
            )
        except FileNotFoundError:
            # Gone since the scan: picked up by a concurrent tick (which journals it) or taken
            # back before it was read (nothing was delivered).
            del seen[entry.entry_path]
            continue
        except (Refused, OSError) as exc:  # swapped for a link, a hard link, unreadable
            if "changed while it was being read" in str(exc):
                del seen[entry.entry_path]  # read again once it settles
                continue
            reason = str(exc) if isinstance(exc, Refused) else f"could not be read: {exc}"
            record = journal_record(entry, now, outcome=IGNORED, reason=reason)
            if entry_key(record) not in journalled:
                journal.append(record)
            continue
        fault_point("scan.after_copy")
        delivery = new_delivery(entry, sha256, size, now)
        earlier_line = journalled.get(entry_key(journal_record(entry, now, outcome=TO_LOAD)))
        if earlier_line is not None:  # journalled by a tick that died: finish what it began
            if earlier_line["outcome"] == TO_LOAD:
                seen_at = datetime.fromisoformat(earlier_line["seen_at"])
                to_place.append((new_delivery(entry, sha256, size, seen_at), copy))
            else:
                copy.unlink()
            to_move.append(entry)
            continue
        earlier = batch.get((entry.organisation, sha256)) or first_delivery(
            archive, entry.organisation, sha256
        )
        if earlier is not None:
            copy.unlink()
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
            to_move.append(entry)
            continue
        batch[(entry.organisation, sha256)] = delivery
        journal.append(journal_record(entry, now, outcome=TO_LOAD, delivery=delivery))
        to_place.append((delivery, copy))
        to_move.append(entry)
    # Write-ahead: the journal says what is about to happen before any file leaves landing.
    fault_point("scan.before_journal")
    append_journal(archive, journal)
    fault_point("scan.after_journal")
    for delivery, copy in to_place:
        place_in_archive(archive, delivery, copy, durable=False)
    if to_move:
        sync_archive(archive)  # the copies are on disk before any original leaves landing
    fault_point("scan.after_archive")
    for entry in to_move:
        if _move_out(landing.landing_path, entry):
            del seen[entry.entry_path]
    fault_point("scan.after_move")
    requests, new_keys = [], []
    for delivery, _ in to_place:
        context.log.info(f"new file {delivery.entry_path} -> partition {delivery.file_id}")
        new_keys.append(delivery.file_id)
        requests.append(
            dg.RunRequest(
                job_name=ingest_programme_records.name,
                run_key=f"{delivery.file_id}:1",
                partition_key=delivery.file_id,
                tags={FILE_NAME_TAG: delivery.entry_path},
            )
        )
    for gone in set(seen) - set(present):
        del seen[gone]  # removed from landing: a new entry at that path is a new delivery
    skip = discarded(archive)
    tail, end = read_journal_tail(archive, offset)
    pending, offset = _pending_runs(
        context.instance, tail, end, {r.partition_key for r in requests}, skip
    )
    new_keys += [r.partition_key for r in pending]
    requests += pending
    retries = _retries(context.instance, skip) if retry_now else []
    # One new file and nothing under way: one run ingests it, loads the journal, builds and
    # publishes.
    one_run = fast_path and len(requests) == 1 and not retries and not _busy(context.instance)
    if one_run:
        (only,) = requests
        requests = [
            dg.RunRequest(
                job_name=ingest_and_publish_programme_records.name,
                run_key=only.run_key,
                partition_key=only.partition_key,
                tags=only.tags,
            )
        ]
    requests += retries
    # The journal grew since its last load was asked for (by this tick, or by one that died
    # before asking): load it (the single-file run loads it itself).
    size = journal_path(archive).stat().st_size if journal_path(archive).is_file() else 0
    if size > state.get("journal_requested", 0) and not one_run:
        requests.append(
            dg.RunRequest(job_name=record_landing_entries.name, run_key=f"journal:{size}")
        )
    unchanged = (
        not changed
        and len(seen) == len(present)
        and offset == state.get("journal_offset")
        and size == state.get("journal_requested")
    )  # nothing new, nothing removed, no delivery waiting for its run, the journal loaded
    cursor = (
        context.cursor
        if unchanged
        else json.dumps({"seen": seen, "journal_offset": offset, "journal_requested": size})
    )
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
        jobs=[
            ingest_programme_records,
            record_landing_entries,
            ingest_and_publish_programme_records,
        ],
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Journals every new entry of the programme-records landing folder and "
        "requests one ingest run per new file (one ingest-and-publish run for a single new file "
        "while nothing else runs), and retries of runs that failed for a passing reason.",
    )
    def programme_records_landing_sensor(
        context: dg.SensorEvaluationContext, landing: LandingResource
    ):
        return evaluate_landing(context, landing, fast_path=True)

    return programme_records_landing_sensor
