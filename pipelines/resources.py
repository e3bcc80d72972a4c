"""The resources of the one Definitions object, configured from Settings."""

import dagster as dg

from .literature.resources import LiteratureStoreResource
from .programme_records.resources import LandingResource
from .reports.resources import ReportsResource
from .sector_plans.resources import PlanipolisResource
from .settings import DBT_EXECUTABLE, LAKE, WAREHOUSE_FILE_NAME, Settings
from .warehouse.resource import WarehouseResource
from .worldbank.resources import worldbank_resource_from_env


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    from .warehouse.dbt_assets import dbt_project
    from .warehouse.dbt_cli import WarehouseDbtCli

    return {
        "warehouse": WarehouseResource(
            database_path=str(settings.warehouse_path),
            publish_dir=str(settings.publish_dir),
            builds_dir=str(settings.builds_dir),
            log_dir=str(settings.log_dir),
            lock_wait_seconds=settings.lock_wait_seconds,
            **lake_fields(settings),
        ),
        "landing": LandingResource(
            landing_dir=str(settings.landing_dir),
            archive_dir=str(settings.archive_dir),
            settle_seconds=settings.landing_settle_seconds,
        ),
        "literature_store": LiteratureStoreResource(raw_dir=str(settings.literature_raw_dir)),
        "reports": ReportsResource(
            published_path=str(settings.publish_dir / WAREHOUSE_FILE_NAME),
            reports_dir=str(settings.reports_dir),
        ),
        "planipolis": planipolis_resource(settings),
        "worldbank": worldbank_resource_from_env(),
        "dbt": WarehouseDbtCli(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    }


def lake_fields(settings: Settings) -> dict[str, str]:
    """The WarehouseResource fields of the lake backend (LT_WAREHOUSE_BACKEND=lake)."""
    if settings.warehouse_backend != LAKE:
        return {}
    from .warehouse.lake import LakeSettings

    lake = LakeSettings.from_env()  # LT_LAKE_CATALOG_DSN (required), LT_LAKE_DATA_PATH
    return {
        "backend": LAKE,
        "lake_catalog_dsn": lake.catalog_dsn,
        "lake_data_path": str(lake.data_path),
    }


def planipolis_resource(settings: Settings) -> PlanipolisResource:
    from sources.sector_plans import PlanipolisSettings

    site = PlanipolisSettings.from_env()  # LT_PLANIPOLIS_* variables
    return PlanipolisResource(
        base_url=site.base_url,
        listing_path=site.listing_path,
        max_listing_pages=site.max_listing_pages,
        not_pdf_retries=site.not_pdf_retries,
        store_dir=str(settings.plans_store_dir),
        validators_path=str(settings.plans_validators_path),
        catalogue_export=str(settings.plans_catalogue_export or ""),
        all_countries=settings.plans_all_countries,
    )
