"""Raw World Bank indicators: the country metadata, one partition per indicator from the API
(incremental by the indicator's lastupdated), and the WDI bulk CSV files; each loaded
write-audit-publish (validation and quarantine, then the blocking GE suite raw_worldbank_values
on the values about to be published, then one transaction)."""

import dagster as dg
from pydantic import Field

from expectations import runner
from expectations.worldbank_suite import SUITE_NAME
from sources.worldbank.api import WorldBankError
from sources.worldbank.bulk_csv import FAILED_AUDIT as BULK_FAILED_AUDIT
from sources.worldbank.bulk_csv import BulkCsvError, load_bulk_csv
from sources.worldbank.economies import load_economies, metadata_due
from sources.worldbank.loader import FAILED, FAILED_AUDIT, UNCHANGED, load_indicator
from sources.worldbank.raw_schema import (
    API_LOADS_TABLE,
    API_QUARANTINE_TABLE,
    API_VALUES_TABLE,
    BULK_FILES_TABLE,
    BULK_QUARANTINE_TABLE,
    BULK_VALUES_TABLE,
    ECONOMIES_TABLE,
    ensure_raw_schema,
)
from sources.worldbank.values import Audit

from ..warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from .partitions import worldbank_indicators
from .resources import WorldBankResource

GROUP = "worldbank"
OUTCOME_TAG = "learning_teams/outcome"
AUDIT_CHECK = f"ge_{SUITE_NAME}"
ECONOMIES = dg.AssetKey(["raw", "worldbank_economies"])
API_VALUES = dg.AssetKey(["raw", "worldbank_api_values"])
API_LOADS = dg.AssetKey(["raw", "worldbank_api_loads"])
API_QUARANTINE = dg.AssetKey(["raw", "worldbank_api_quarantine"])
BULK_VALUES = dg.AssetKey(["raw", "worldbank_bulk_values"])
BULK_FILES = dg.AssetKey(["raw", "worldbank_bulk_files"])
BULK_QUARANTINE = dg.AssetKey(["raw", "worldbank_bulk_quarantine"])


def ge_audit(df) -> Audit:
    result = runner.validate_dataframe(SUITE_NAME, df)
    return Audit(result.success, result.describe(), result.to_metadata())


def _count(con, table: str, where: str = "", params=None) -> int:
    sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
    return con.execute(sql, params or []).fetchone()[0]


@dg.asset(key=ECONOMIES, group_name=GROUP, pool=WAREHOUSE_POOL, kinds={"duckdb"})
def raw_worldbank_economies(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, worldbank: WorldBankResource
) -> dg.MaterializeResult:
    """The World Bank's country metadata (`/v2/country?per_page=400`): every economy and
    aggregate with its region and income level, replaced as a whole. Indicator loads refresh it
    themselves when it is missing or older than LT_WORLDBANK_METADATA_MAX_AGE_DAYS."""
    with warehouse.connect(log=context.log) as con:
        try:
            count = load_economies(con, worldbank.client(), worldbank.settings)
        except WorldBankError as exc:
            raise dg.Failure(str(exc), allow_retries=False) from None
        aggregates = _count(con, ECONOMIES_TABLE, "region_name = 'Aggregates'")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": count,
            "aggregates": aggregates,
            "source": worldbank.base_url,
        }
    )


class IndicatorLoadConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Fetch the indicator even when its lastupdated has not changed.",
    )


# skippable: a load with nothing new (an unchanged indicator, no new bulk file) materialises
# nothing, so the build sensor has nothing to rebuild
_API_SPEC = {
    "group_name": GROUP,
    "partitions_def": worldbank_indicators,
    "kinds": {"duckdb"},
    "skippable": True,
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            API_VALUES,
            description="World Bank indicator values from the API v2 (source 2), one row per "
            "indicator × economy × year; an indicator's values are replaced as a whole after "
            "they passed the raw_worldbank_values audit.",
            deps=[ECONOMIES],
            **_API_SPEC,
        ),
        dg.AssetSpec(
            API_LOADS,
            description="One row per indicator load with its lastupdated (the incremental "
            "state: an indicator whose lastupdated has not changed is skipped).",
            deps=[ECONOMIES],
            **_API_SPEC,
        ),
        dg.AssetSpec(
            API_QUARANTINE,
            description="API records (non-numeric value, unknown economy, year out of range, "
            "duplicate) and refused responses (error message, HTML), with the URL and reason.",
            deps=[ECONOMIES],
            **_API_SPEC,
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            AUDIT_CHECK,
            asset=API_VALUES,
            description="GE suite raw_worldbank_values (generated from sources/worldbank/"
            "values.py AUDIT_RULES) on the values an indicator is about to publish; blocking.",
        )
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def raw_worldbank_indicator(
    context: dg.AssetExecutionContext,
    config: IndicatorLoadConfig,
    warehouse: WarehouseResource,
    worldbank: WorldBankResource,
):
    """Load one indicator (partition = its code) from the API: probe its lastupdated, skip it
    if unchanged, else fetch every page, validate, audit, publish in one transaction. A refused
    indicator fails its run naming the URL and the API's message."""
    code = context.partition_key
    settings = worldbank.settings
    client = worldbank.client()
    with warehouse.connect(log=context.log) as con:
        ensure_raw_schema(con)
        if metadata_due(con, settings):
            try:
                count = load_economies(con, client, settings)
            except WorldBankError as exc:
                raise dg.Failure(f"country metadata: {exc}", allow_retries=False) from None
            context.log.info(f"country metadata refreshed: {count} economies")
        load = load_indicator(
            con,
            client,
            settings,
            worldbank.indicator(code),
            full_refresh=config.full_refresh,
            audit=ge_audit,
        )
        counts = {
            API_VALUES: _count(con, API_VALUES_TABLE, "indicator_code = ?", [code]),
            API_LOADS: _count(con, API_LOADS_TABLE, "indicator_code = ?", [code]),
            API_QUARANTINE: _count(con, API_QUARANTINE_TABLE, "indicator_code = ?", [code]),
        }
    context.instance.add_run_tags(context.run_id, {OUTCOME_TAG: load.status})
    context.log.info(load.summary())
    # Every run reports the check: a run that published nothing (unchanged, or refused by the
    # API) had nothing to audit, and says so.
    yield dg.AssetCheckResult(
        asset_key=API_VALUES,
        check_name=AUDIT_CHECK,
        passed=load.audit.passed if load.audit else True,
        description=load.audit.description if load.audit else f"nothing to audit ({load.status})",
        metadata={**(load.audit.metadata if load.audit else {}), "audited": bool(load.audit)},
    )
    common = {
        "indicator": code,
        "status": load.status,
        "last_updated": load.last_updated or "",
        "summary": load.summary(),
    }
    if load.status == FAILED_AUDIT:
        raise dg.Failure(description=load.summary(), metadata=common, allow_retries=False)
    if load.status == UNCHANGED:
        return
    for key, rows in counts.items():
        metadata = {**common, "dagster/row_count": rows}
        if key == API_VALUES:
            metadata["quarantined_by_reason"] = load.validation.by_reason
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
    if load.status == FAILED:
        raise dg.Failure(description=load.summary(), metadata=common, allow_retries=False)


_BULK_SPEC = {
    "group_name": GROUP,
    "kinds": {"duckdb", "csv"},
    "deps": [ECONOMIES],
    "skippable": True,
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            BULK_VALUES,
            description="World Bank indicator values from WDI bulk CSV files "
            "(LT_WORLDBANK_BULK_DIR), unpivoted by DuckDB to one row per indicator × economy × "
            "year; a file's indicators are replaced as a whole after the audit.",
            **_BULK_SPEC,
        ),
        dg.AssetSpec(
            BULK_FILES,
            description="One row per bulk CSV file loaded (by SHA-256: the same bytes load once).",
            **_BULK_SPEC,
        ),
        dg.AssetSpec(
            BULK_QUARANTINE,
            description="Bulk CSV cells that could not be used, with the file, line, year and "
            "reason.",
            **_BULK_SPEC,
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            AUDIT_CHECK,
            asset=BULK_VALUES,
            description="GE suite raw_worldbank_values on the values a file is about to "
            "publish; blocking.",
        )
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def raw_worldbank_bulk_csv(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, worldbank: WorldBankResource
):
    """Load every WDI bulk CSV file (`*.csv`) of the bulk folder not loaded yet."""
    folder = worldbank.bulk_path
    files = sorted(folder.glob("*.csv")) if folder and folder.is_dir() else []
    if folder is not None and not folder.is_dir():
        raise dg.Failure(f"{folder}: LT_WORLDBANK_BULK_DIR is not a folder", allow_retries=False)
    loads, failures = [], []
    with warehouse.connect(log=context.log) as con:
        ensure_raw_schema(con)
        for path in files:
            try:
                load = load_bulk_csv(con, path, worldbank.indicators(), audit=ge_audit)
            except BulkCsvError as exc:
                failures.append(str(exc))
                context.log.error(str(exc))
                continue
            context.log.info(load.summary())
            if load.status != "already_loaded":
                loads.append(load)
        counts = {
            BULK_VALUES: _count(con, BULK_VALUES_TABLE),
            BULK_FILES: _count(con, BULK_FILES_TABLE),
            BULK_QUARANTINE: _count(con, BULK_QUARANTINE_TABLE),
        }
    loaded = any(load.status == "loaded" for load in loads)
    context.instance.add_run_tags(
        context.run_id, {OUTCOME_TAG: "loaded" if loaded else "unchanged"}
    )
    audited = [load for load in loads if load.audit is not None]
    failed_audit = [load for load in loads if load.status == BULK_FAILED_AUDIT]
    yield dg.AssetCheckResult(
        asset_key=BULK_VALUES,
        check_name=AUDIT_CHECK,
        passed=not failed_audit,
        description="; ".join(load.summary() for load in failed_audit)
        or ("" if audited else "no new file: nothing to audit"),
        metadata={"files": [load.path.name for load in audited], "audited": bool(audited)},
    )
    summary = dg.MetadataValue.md(
        "\n".join(f"- {load.summary()}" for load in loads)
        + "".join(f"\n- FAILED: {failure}" for failure in failures)
        or f"no new CSV file in {folder}"
        if folder
        else "no bulk folder configured"
    )
    if loads or failures:
        for key, rows in counts.items():
            yield dg.MaterializeResult(
                asset_key=key, metadata={"dagster/row_count": rows, "this_load": summary}
            )
    else:
        context.log.info(f"nothing new: {summary.value}")
    problems = failures + [load.summary() for load in failed_audit]
    if problems:
        raise dg.Failure(description="; ".join(problems), allow_retries=False)
