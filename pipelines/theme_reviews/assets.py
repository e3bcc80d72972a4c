"""Raw assets of the theme reviews: the analysts' review file and the `make code-eval` report,
each loaded whole (the file is the state) by the connector sources/theme_reviews."""

import hashlib
import os
from pathlib import Path

import dagster as dg

from sources.theme_reviews.loader import load_dev_eval, load_reviews

from ..settings import REPO_ROOT
from ..warehouse.resource import WAREHOUSE_POOL, WarehouseResource

REVIEWS = dg.AssetKey(["raw", "theme_mention_reviews"])
REVIEWS_QUARANTINE = dg.AssetKey(["raw", "theme_mention_reviews_quarantine"])
DEV_EVAL = dg.AssetKey(["raw", "theme_coding_dev_eval"])


def _path(variable: str, default: str) -> Path:
    value = Path(os.environ.get(variable) or default)
    return value if value.is_absolute() else REPO_ROOT / value


def reviews_path() -> Path:
    """`LT_THEME_REVIEWS_PATH`, default reviews/theme_mentions.csv (relative: to the repo root)."""
    return _path("LT_THEME_REVIEWS_PATH", "reviews/theme_mentions.csv")


def code_eval_path() -> Path:
    """`LT_THEME_CODE_EVAL_PATH`, default warehouse/reports/code_eval.json (what `make code-eval`
    writes)."""
    return _path("LT_THEME_CODE_EVAL_PATH", "warehouse/reports/code_eval.json")


def file_version(path: Path) -> str:
    """SHA-256 of the file, or 'missing'."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            REVIEWS,
            description="Analysts' accept/reject decisions on theme mentions (valid rows of the "
            "review file LT_THEME_REVIEWS_PATH, keyed on mention_id).",
            group_name="raw",
            kinds={"duckdb"},
        ),
        dg.AssetSpec(
            REVIEWS_QUARANTINE,
            description="Rows of the review file that could not be used, with the reason.",
            group_name="raw",
            kinds={"duckdb"},
        ),
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def raw_theme_mention_reviews(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Load the review file whole (its rows replace the previous load in one transaction)."""
    path = reviews_path()
    with warehouse.connect(log=context.log) as con:
        load = load_reviews(con, path)
        loaded = con.execute("SELECT count(*) FROM raw.theme_mention_reviews").fetchone()[0]
        quarantined = con.execute(
            "SELECT count(*) FROM raw.theme_mention_reviews_quarantine"
        ).fetchone()[0]
    if load.missing_file:
        context.log.warning(f"{path}: no review file; no mention is reviewed")
    for reason, count in list(load.quarantined_by_reason.items())[:20]:
        context.log.warning(f"{count} review row(s) quarantined: {reason}")
    yield dg.MaterializeResult(
        asset_key=REVIEWS,
        metadata={
            "dagster/row_count": loaded,
            "source": dg.MetadataValue.path(str(path)),
            "source_sha256": file_version(path),
        },
    )
    yield dg.MaterializeResult(
        asset_key=REVIEWS_QUARANTINE,
        metadata={"dagster/row_count": quarantined, "by_reason": load.quarantined_by_reason},
    )


@dg.asset(key=DEV_EVAL, group_name="raw", kinds={"duckdb"}, pool=WAREHOUSE_POOL)
def raw_theme_coding_dev_eval(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Load the per-concept figures of the `make code-eval` report (empty when there is none)."""
    path = code_eval_path()
    with warehouse.connect(log=context.log) as con:
        rows = load_dev_eval(con, path)
    if not rows:
        context.log.info(f"{path}: no code-eval report; the quality mart has no dev-set figures")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "source": dg.MetadataValue.path(str(path)),
            "source_sha256": file_version(path),
        }
    )
