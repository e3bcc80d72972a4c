"""Raw education sector plans: the Planipolis catalogue, then one partition per plan (its
documents downloaded, their pages extracted, audited and published together: write-audit-publish
as for programme records)."""

import hashlib

import dagster as dg

from expectations import runner
from expectations.sector_plans_suite import SUITE_NAME
from sources.sector_plans import load_catalogue_export, scrape_and_load_catalogue
from sources.sector_plans.plans import FAILED_AUDIT, PlanAudit, list_plans, load_plan
from sources.sector_plans.raw_schema import QUARANTINE_TABLE, ensure_raw_schema

from ..operations.retries import SOURCE_RETRY_POLICY
from ..warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from .partitions import sector_plans
from .resources import PlanipolisResource

GROUP = "sector_plans"
PLANIPOLIS = dg.AssetKey(["planipolis", "catalogue"])
RAW_DOCUMENTS = dg.AssetKey(["raw", "sector_plan_documents"])
RAW_FILES = dg.AssetKey(["raw", "sector_plan_files"])
RAW_PAGES = dg.AssetKey(["raw", "sector_plan_pages"])
RAW_QUARANTINE = dg.AssetKey(["raw", "sector_plans_quarantine"])
AUDIT_CHECK = f"ge_{SUITE_NAME}"
OUTCOME_TAG = "learning_teams/outcome"
PLAN_KEYS_METADATA = "plan_keys"
"""Materialisation metadata of the catalogue: the plans to load (what the sensor partitions)."""
PLAN_VERSIONS_METADATA = "plan_versions"
"""Materialisation metadata of the catalogue: plan_key -> version (changes with its documents)."""
SOURCE_SHA256_METADATA = "source_sha256"
"""Materialisation metadata of the catalogue: SHA-256 of the export file loaded."""

planipolis_catalogue = dg.AssetSpec(
    PLANIPOLIS,
    description="The IIEP-UNESCO Planipolis catalogue of national education plans (listing and "
    "plan pages at LT_PLANIPOLIS_BASE_URL, or the export file LT_PLANS_CATALOGUE_EXPORT); "
    "polled by sector_plans_catalogue_sensor with a conditional request.",
    group_name=GROUP,
    kinds={"html"},
)


@dg.asset(
    key=RAW_DOCUMENTS,
    deps=[PLANIPOLIS],
    group_name=GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    retry_policy=SOURCE_RETRY_POLICY,
)
def raw_sector_plan_documents(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, planipolis: PlanipolisResource
) -> dg.MaterializeResult:
    """The catalogue, one row per plan document (scraped listing and plan pages, or the export
    file); rows that cannot be used go to raw.sector_plans_quarantine with the reason. An
    unchanged listing (HTTP 304) costs one request and changes nothing. The metadata lists the
    plans to load (focus countries, or all with LT_PLANS_ALL_COUNTRIES)."""
    settings = planipolis.settings
    countries = planipolis.countries()
    metadata: dict = {}
    with warehouse.connect(log=context.log) as con:
        ensure_raw_schema(con)
        if planipolis.export_path is not None:
            load = load_catalogue_export(con, planipolis.export_path, base_url=settings.base_url)
            metadata["source"] = dg.MetadataValue.path(str(planipolis.export_path))
            metadata[SOURCE_SHA256_METADATA] = hashlib.sha256(
                planipolis.export_path.read_bytes()
            ).hexdigest()
        else:
            scrape, load = scrape_and_load_catalogue(con, planipolis.client(), settings)
            metadata["source"] = dg.MetadataValue.url(settings.listing_url)
            metadata["unchanged"] = scrape.unchanged
            metadata["listing_pages"] = scrape.listing_pages
            metadata["plan_pages"] = scrape.plan_pages
            metadata["pages_failed"] = len(scrape.failures)
            for failure in scrape.failures[:20]:
                context.log.warning(failure.reason)
        plans = list_plans(con, countries)
        rows = con.execute("SELECT count(*) FROM raw.sector_plan_documents").fetchone()[0]
    if load is not None:
        context.log.info(
            f"{load.source}: {load.rows_loaded} of {load.rows_read} rows loaded, "
            f"{load.rows_quarantined} quarantined {load.quarantined_by_reason or ''}"
        )
        metadata["rows_read"] = load.rows_read
        metadata["rows_quarantined"] = load.rows_quarantined
        metadata["quarantined_by_reason"] = load.quarantined_by_reason
        metadata["loaded_by_period_source"] = load.loaded_by_period_source
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "dagster/row_count": rows,
            "countries": "all" if countries is None else ", ".join(countries),
            "plans": len(plans),
            PLAN_KEYS_METADATA: sorted(plans),
            PLAN_VERSIONS_METADATA: {key: plan["version"] for key, plan in plans.items()},
        }
    )


def ge_audit(df) -> PlanAudit:
    result = runner.validate_dataframe(SUITE_NAME, df)
    return PlanAudit(
        passed=result.success,
        check_name=AUDIT_CHECK,
        description=result.describe(),
        metadata=result.to_metadata(),
    )


_PLAN_SPEC = {"group_name": GROUP, "partitions_def": sector_plans, "kinds": {"duckdb"}}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_FILES,
            description="One row per downloaded plan document: SHA-256, store path, pages.",
            deps=[RAW_DOCUMENTS],
            **_PLAN_SPEC,
        ),
        dg.AssetSpec(
            RAW_PAGES,
            description="Plan documents' text, one row per PDF page; a plan's pages appear "
            "only after they passed the raw_sector_plan_pages audit.",
            deps=[RAW_DOCUMENTS],
            **_PLAN_SPEC,
        ),
        dg.AssetSpec(
            RAW_QUARANTINE,
            description="Catalogue rows, plan pages, URLs and documents that could not be used, "
            "with the stage and the reason (a plan's download/extract failures are its "
            "partition's).",
            deps=[RAW_DOCUMENTS],
            **_PLAN_SPEC,
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            AUDIT_CHECK,
            asset=RAW_PAGES,
            description="GE suite raw_sector_plan_pages (generated from the page rules in "
            "sources/sector_plans/plans.py) on the pages a plan is about to publish. It gates "
            "inline: a failing plan publishes nothing and its run fails.",
        )
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
    retry_policy=SOURCE_RETRY_POLICY,
)
def raw_sector_plan(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, planipolis: PlanipolisResource
):
    """Download one plan's documents (polite client, content-addressed store), extract their
    pages, audit them, then publish pages, file rows and the quarantine rows of documents that
    could not be used in one transaction. A plan with any unusable document fails its run,
    naming the plan, the document and the reason; its good documents are published."""
    plan_key = context.partition_key
    with warehouse.connect(log=context.log) as con:
        try:
            result = load_plan(
                con,
                planipolis.client(),
                planipolis.store_path,
                plan_key,
                planipolis.settings,
                audit=ge_audit,
            )
        except KeyError as exc:
            raise dg.Failure(str(exc.args[0]), allow_retries=False) from None
        quarantined = con.execute(
            f"SELECT count(*) FROM {QUARANTINE_TABLE} WHERE stage IN ('download', 'extract') "
            "AND list_contains(?, record_ref)",
            [result.doc_ids],
        ).fetchone()[0]
    context.instance.add_run_tags(context.run_id, {OUTCOME_TAG: result.status})
    if result.audit is not None:
        yield dg.AssetCheckResult(
            asset_key=RAW_PAGES,
            check_name=AUDIT_CHECK,
            passed=result.audit.passed,
            description=result.audit.description,
            metadata=result.audit.metadata,
        )
    if result.status == FAILED_AUDIT:
        raise dg.Failure(
            description=result.summary(),
            metadata={"plan": plan_key, "status": result.status, "check": AUDIT_CHECK},
            allow_retries=False,
        )
    common = {"plan": plan_key, "status": result.status, "documents": len(result.doc_ids)}
    if result.published:
        yield dg.MaterializeResult(
            asset_key=RAW_FILES,
            metadata={
                **common,
                "dagster/row_count": len(result.published),
                "downloaded": result.run.downloaded,
            },
        )
        yield dg.MaterializeResult(
            asset_key=RAW_PAGES,
            metadata={
                **common,
                "dagster/row_count": result.run.pages,
                "pages_without_text": result.run.pages_without_text,
            },
        )
    yield dg.MaterializeResult(
        asset_key=RAW_QUARANTINE,
        metadata={
            **common,
            "dagster/row_count": quarantined,
            "quarantined": dg.MetadataValue.md(
                "\n".join(f"- {f.reason}" for f in result.failures) or "none"
            ),
        },
    )
    if result.failures:  # the good documents are published; the plan still needs a person
        raise dg.Failure(
            description=result.summary(),
            metadata={"plan": plan_key, "status": result.status},
            allow_retries=False,
        )
    context.log.info(result.summary())
