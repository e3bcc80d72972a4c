"""Raw programme records: one partition per delivered file (`<organisation>/<file>@<hash>`),
loaded write-audit-publish: the file's rows are checked against the contract, and the rows that
passed are audited (expectations/programme_records_audit.py: nothing lost, columns and types,
keys, quarantined share) before any of them becomes visible in raw."""

import dagster as dg

from expectations.programme_records_audit import CHECK_NAME, audit_delivery
from sources.programme_records.archive import discarded, find_delivery
from sources.programme_records.discards import DISCARDED, apply_discard
from sources.programme_records.loader import FAILED_AUDIT, load_file

from ..operations.retries import SOURCE_RETRY_POLICY
from ..settings import EXCEL_EXTENSION, SEEDS_DIR
from ..warehouse.resource import WarehouseResource, ingest_pool
from .landing import LANDING
from .partitions import programme_record_files
from .resources import LandingResource

RAW_RECORDS = dg.AssetKey(["raw", "programme_records"])
RAW_FILES = dg.AssetKey(["raw", "programme_record_files"])
RAW_QUARANTINE = dg.AssetKey(["raw", "programme_records_quarantine"])
AUDIT_CHECK = CHECK_NAME
OUTCOME_TAG = "learning_teams/outcome"

_SPEC = {
    "group_name": "raw",
    "partitions_def": programme_record_files,
    "kinds": {"duckdb"},
    "deps": [LANDING],
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_RECORDS,
            description="Accepted programme-record rows, as submitted (text) with load metadata; "
            "a file's rows appear only after they passed the contract and the raw audit.",
            **_SPEC,
        ),
        dg.AssetSpec(
            RAW_FILES,
            description="One row per delivered file: organisation, format, counts, columns not "
            "supplied, status (loaded, partially_loaded, rejected, failed_audit, discarded).",
            **_SPEC,
        ),
        dg.AssetSpec(
            RAW_QUARANTINE,
            description="Rows (or whole files) that broke the data contract, with every reason.",
            **_SPEC,
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            AUDIT_CHECK,
            asset=RAW_RECORDS,
            description="The delivery audit on the rows a file is about to publish: nothing "
            "lost (published + quarantined = read), the columns and types of raw (GE), "
            "programme_ref unique in the file and not held by another organisation (GE), and "
            "at most LT_MAX_QUARANTINED_SHARE of the records quarantined. It gates inline: a "
            "failing file publishes nothing and its run fails, so it never holds back other "
            "files.",
        )
    ],
    pool=ingest_pool(),
    can_subset=False,
    retry_policy=SOURCE_RETRY_POLICY,
)
def raw_programme_records(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
):
    """Read, validate, audit and publish one delivered file. Bad rows are quarantined with their
    reasons and the good rows of the same file still load; re-running the partition changes
    nothing."""
    file_id = context.partition_key
    delivery = find_delivery(landing.archive_path, file_id)
    if delivery is None:
        raise dg.Failure(
            f"No archived delivery for partition {file_id} in {landing.archive_path}: deliver "
            "the file into the landing folder again.",
            allow_retries=False,
        )
    discard_reason = discarded(landing.archive_path).get(file_id)
    if discard_reason is not None:
        yield from _keep_discarded(context, warehouse, delivery, discard_reason)
        return
    with warehouse.connect(log=context.log) as con:
        result = load_file(
            con,
            delivery.archived_file(landing.archive_path),
            delivery,
            seeds_dir=SEEDS_DIR,
            excel_extension=EXCEL_EXTENSION,
            audit=audit_delivery,
        )
    yield dg.AssetCheckResult(
        asset_key=RAW_RECORDS,
        check_name=AUDIT_CHECK,
        passed=result.audit.passed,
        description=result.audit.description,
        metadata=result.audit.metadata,
    )
    context.instance.add_run_tags(context.run_id, {OUTCOME_TAG: result.status})
    if result.status == FAILED_AUDIT:
        raise dg.Failure(
            description=f"{delivery.entry_path}: {result.summary()}",
            metadata={"file": delivery.entry_path, "check": AUDIT_CHECK},
            allow_retries=False,
        )
    context.log.info(result.summary())
    for notice in result.notices:
        context.log.info(f"{delivery.entry_path}: {notice}")
    reasons = "; ".join(result.reason_lines(3))
    if result.rows_quarantined:
        context.log.warning(
            f"{delivery.entry_path}: {result.rows_quarantined} row(s) quarantined ({reasons}); "
            "all rows and reasons are in raw.programme_records_quarantine"
        )
    common = {
        "file": delivery.entry_path,
        "organisation": delivery.organisation,
        "file_sha256": delivery.sha256,
        "delivered_at": delivery.delivered_at,
        "status": result.status,
    }
    yield dg.MaterializeResult(
        asset_key=RAW_RECORDS,
        metadata={
            **common,
            "dagster/row_count": result.rows_loaded,
            # >1: the commit conflicted with another writer's on the lake and was run again
            "commit_attempts": result.commit_attempts,
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_FILES,
        metadata={
            **common,
            "file_format": str(result.file_format),
            "rows_read": result.rows_read,
            "notices": "; ".join(result.notices) or "none",
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_QUARANTINE,
        metadata={
            **common,
            "dagster/row_count": result.rows_quarantined,
            "top_reasons": reasons or "none",
            "root_cause": result.root_cause or "none",
            "quarantined": dg.MetadataValue.md(result.quarantine_summary()),
        },
    )


def _keep_discarded(context, warehouse: WarehouseResource, delivery, reason: str):
    """A delivery a person discarded stays discarded, whoever runs it again (a retry, the
    sensor, a rebuild): its rows are kept out of raw and its file row says why."""
    with warehouse.connect(log=context.log) as con:
        removed = apply_discard(con, delivery, reason)
    context.instance.add_run_tags(context.run_id, {OUTCOME_TAG: DISCARDED})
    context.log.info(f"{delivery.entry_path} was discarded ({reason}); not loaded")
    yield dg.AssetCheckResult(
        asset_key=RAW_RECORDS,
        check_name=AUDIT_CHECK,
        passed=True,
        description=f"not audited: the delivery was discarded ({reason})",
    )
    common = {"file": delivery.entry_path, "status": DISCARDED, "discard_reason": reason}
    yield dg.MaterializeResult(
        asset_key=RAW_RECORDS, metadata={**common, "dagster/row_count": 0, "rows_removed": removed}
    )
    yield dg.MaterializeResult(asset_key=RAW_FILES, metadata=common)
    yield dg.MaterializeResult(asset_key=RAW_QUARANTINE, metadata={**common, "top_reasons": "none"})
