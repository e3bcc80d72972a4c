"""What a data engineer does with a delivered file that needs attention: see it, re-run it, or
discard it; and rebuilding the raw layer from the archive.

    python -m pipelines.cli landing status              deliveries that need attention
    python -m pipelines.cli landing retry FILE          ingest FILE again, then rebuild
    python -m pipelines.cli landing discard FILE -r WHY take FILE's rows out, then rebuild
    python -m pipelines.cli landing rebuild             replay every archived delivery

FILE is a partition key (`organisation/file@hash`), a landing path (`organisation/file`) or a
file name. To fix a file, deliver the corrected file into the landing folder (new bytes are a
new delivery); discard the old one if its rows must go.
"""

from __future__ import annotations

import dagster as dg

from sources.programme_records.archive import read_journal
from sources.programme_records.landing import TO_LOAD
from sources.programme_records.loader import discard_file

from ..local_run import FILE_NAME_TAG, build, ingest, record_entries
from .assets import OUTCOME_TAG
from .jobs import ingest_programme_records
from .partitions import programme_record_files

NEEDS_ATTENTION = ("rejected",)


def _deliveries(defs: dg.Definitions) -> list[dict]:
    return [r for r in read_journal(defs.resources["landing"].archive_path) if r.get("file_id")]


def resolve(defs: dg.Definitions, file: str) -> str:
    """The partition key of a delivery named by key, landing path or file name."""
    matches = {
        r["file_id"]
        for r in _deliveries(defs)
        if r["outcome"] == TO_LOAD
        and file in (r["file_id"], r["entry_path"])
        or r["entry_path"].rsplit("/", 1)[-1] == file
        and r["outcome"] == TO_LOAD
    }
    if len(matches) != 1:
        found = ", ".join(sorted(matches)) or "none"
        raise SystemExit(f"'{file}' names {len(matches)} deliveries ({found}); give the key")
    return matches.pop()


def status_lines(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[str]:
    """One line per delivery or landing entry that needs a person."""
    lines = []
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=ingest_programme_records.name))
    latest: dict[str, dg.DagsterRun] = {}
    for run in runs:  # newest first
        latest.setdefault(run.tags.get("dagster/partition", ""), run)
    for key, run in sorted(latest.items()):
        outcome = run.tags.get(OUTCOME_TAG)
        if run.status == dg.DagsterRunStatus.FAILURE and outcome != "discarded":
            why = outcome or "the ingest run failed (see its run in the Dagster UI)"
            lines.append(f"{key}: {why}; retry or discard it")
        elif outcome == "rejected":
            lines.append(f"{key}: every row was rejected (see raw.programme_records_quarantine)")
    for record in read_journal(defs.resources["landing"].archive_path):
        if record["outcome"] in NEEDS_ATTENTION:
            lines.append(f"{record['entry_path']}: {record['outcome']}: {record['reason']}")
    return lines


def retry(defs, instance, file: str, log_level: str = "WARNING") -> bool:
    key = resolve(defs, file)
    instance.add_dynamic_partitions(programme_record_files.name, [key])
    run = ingest(
        defs, instance, dg.RunRequest(partition_key=key, tags={FILE_NAME_TAG: key}), log_level
    )
    print(f"ingest {key}: {'ok' if run.success else 'FAILED'}")
    return run.success and build(defs, instance, log_level).success


def discard(defs, instance, file: str, reason: str, log_level: str = "WARNING") -> bool:
    key = resolve(defs, file)
    warehouse = defs.resources["warehouse"]
    with warehouse.connect() as con:
        removed = discard_file(con, key, reason)
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            job_name=ingest_programme_records.name, tags={"dagster/partition": key}
        ),
        limit=1,
    )
    if runs:  # the sensor never retries a discarded delivery
        instance.add_run_tags(runs[0].run_id, {OUTCOME_TAG: "discarded"})
    print(f"discarded {key}: {removed} row(s) taken out of raw.programme_records")
    return build(defs, instance, log_level).success


def rebuild(defs, instance, log_level: str = "WARNING") -> bool:
    """Replay every archived delivery, in delivery order, into the configured warehouse."""
    keys = [
        r["file_id"]
        for r in sorted(_deliveries(defs), key=lambda r: r["seen_at"])
        if r["outcome"] == TO_LOAD
    ]
    instance.add_dynamic_partitions(programme_record_files.name, keys)
    ok = True
    for key in keys:
        run = ingest(
            defs, instance, dg.RunRequest(partition_key=key, tags={FILE_NAME_TAG: key}), log_level
        )
        ok &= run.success
    record_entries(defs, instance, log_level)
    return build(defs, instance, log_level).success and ok
