"""Raw literature: the OpenAlex and ERIC page files in the raw store, loaded into DuckDB.

The connectors (`sources/openalex`, `sources/eric`, `sources/literature`) write every fetched
page as a file with a manifest; this asset loads the pages not loaded yet with `read_json`
(set-based), quarantining pages and records that do not parse. The harvest assets
(`harvest.py`) write the page files; `make run` delivers the bundled demo pages instead.
"""

import dagster as dg

from sources.literature.loader import load_literature_pages
from sources.literature.raw_schema import (
    ERIC_TABLE,
    OPENALEX_TABLE,
    PAGES_TABLE,
    QUARANTINE_TABLE,
)

from ..warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from .harvest import HARVEST_KEYS
from .resources import LiteratureStoreResource


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


LITERATURE_TABLES = {
    OPENALEX_TABLE: "OpenAlex works as fetched (one row per work and query page).",
    ERIC_TABLE: "ERIC documents as fetched (one row per document and query page).",
    PAGES_TABLE: "Every page file loaded, with its query, cursor or offset and content hash.",
    QUARANTINE_TABLE: "Pages and records that did not parse, with the query, position and reason.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            _key(table),
            description=text,
            group_name="raw",
            kinds={"duckdb"},
            deps=list(HARVEST_KEYS.values()),
        )
        for table, text in LITERATURE_TABLES.items()
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def raw_literature(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    literature_store: LiteratureStoreResource,
):
    """Load the literature pages not loaded yet from the raw store (idempotent)."""
    with warehouse.connect(log=context.log) as con:
        result = load_literature_pages(con, literature_store.path)
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in LITERATURE_TABLES
        }
    context.log.info(result.summary())
    for problem in result.problems[:20]:
        context.log.warning(problem)
    for table, rows in counts.items():
        yield dg.MaterializeResult(
            asset_key=_key(table),
            metadata={"dagster/row_count": rows, "this_load": result.summary()},
        )
