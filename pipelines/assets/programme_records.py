"""Raw programme records: one partition per landed file, loaded into three raw tables."""

import dagster as dg

from sources.programme_records.files import archive, find_archived, ready_files
from sources.programme_records.loader import load_file

from ..partitions import programme_record_files
from ..resources import WAREHOUSE_POOL, LandingResource, WarehouseResource
from ..settings import EXCEL_EXTENSION, SEEDS_DIR

RAW_RECORDS = dg.AssetKey(["raw", "programme_records"])
RAW_FILES = dg.AssetKey(["raw", "programme_record_files"])
RAW_QUARANTINE = dg.AssetKey(["raw", "programme_records_quarantine"])

_SPEC = {"group_name": "raw", "partitions_def": programme_record_files, "kinds": {"duckdb"}}
MAX_PROBLEMS_IN_METADATA = 50


def _locate(sha256: str, landing: LandingResource):
    """The archived copy of the file (the sensor archives before requesting the run); a file in
    the landing folder with that hash is archived first (e.g. a partition added by hand)."""
    archived = find_archived(landing.archive_path, sha256)
    if archived is not None:
        return archived
    for candidate in ready_files(landing.landing_path):
        if candidate.sha256 == sha256:
            return archive(candidate, landing.archive_path)
    raise dg.Failure(
        f"No file with content hash {sha256} in the archive ({landing.archive_path}) or the "
        f"landing folder ({landing.landing_path}). Drop the file into the landing folder."
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_RECORDS,
            description="Accepted programme-record rows, as submitted (text) with load metadata.",
            **_SPEC,
        ),
        dg.AssetSpec(
            RAW_FILES,
            description="One row per landed file: format, encoding, counts, status.",
            **_SPEC,
        ),
        dg.AssetSpec(
            RAW_QUARANTINE,
            description="Rows (or whole files) that broke the data contract, with every reason.",
            **_SPEC,
        ),
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def raw_programme_records(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
):
    """Read, validate and load one landed file. Bad rows are quarantined with their reasons and
    the good rows of the same file still load; re-running the partition changes nothing."""
    sha256 = context.partition_key
    path = _locate(sha256, landing)
    with warehouse.connect() as con:
        result = load_file(
            con,
            path,
            file_sha256=sha256,
            seeds_dir=SEEDS_DIR,
            excel_extension=EXCEL_EXTENSION,
        )
    context.log.info(result.summary())
    for notice in result.notices:
        context.log.info(f"{result.file_name}: {notice}")
    for problem in result.problems:
        context.log.warning(f"quarantined: {problem}")
    common = {"file_name": result.file_name, "file_sha256": sha256, "status": result.status}
    yield dg.MaterializeResult(
        asset_key=RAW_RECORDS,
        metadata={**common, "dagster/row_count": result.rows_loaded},
    )
    yield dg.MaterializeResult(
        asset_key=RAW_FILES,
        metadata={
            **common,
            "file_format": str(result.file_format),
            "rows_read": result.rows_read,
            "archive_path": dg.MetadataValue.path(str(path)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_QUARANTINE,
        metadata={
            **common,
            "dagster/row_count": result.rows_quarantined,
            "problems": dg.MetadataValue.md(
                "\n".join(f"- {p}" for p in result.problems[:MAX_PROBLEMS_IN_METADATA]) or "none"
            ),
        },
    )
