"""Every source's raw tables, created empty so dbt can build on a fresh warehouse."""

import duckdb

from sources.literature.raw_schema import ensure_raw_schema as ensure_literature
from sources.programme_records.raw_schema import ensure_raw_schema as ensure_programme_records
from sources.sector_plans.raw_schema import ensure_raw_schema as ensure_sector_plans
from sources.theme_reviews.raw_schema import ensure_raw_schema as ensure_theme_reviews
from sources.worldbank.raw_schema import ensure_raw_schema as ensure_worldbank

ENSURE_RAW_SCHEMAS = (
    ensure_programme_records,
    ensure_literature,
    ensure_sector_plans,
    ensure_worldbank,
    ensure_theme_reviews,
)


def ensure_raw_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for ensure in ENSURE_RAW_SCHEMAS:
        ensure(con)
