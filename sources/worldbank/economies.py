"""The World Bank's country metadata (`/v2/country`) into raw.worldbank_economies: every
economy and aggregate with its region, income level and lending type. Aggregates are the rows
whose region is `Aggregates`; that is how indicator rows of regions and income groups are told
apart from countries downstream."""

from __future__ import annotations

import duckdb

from ..http_client import PoliteClient
from .api import Page, WorldBankError, fetch_country_metadata
from .config import WorldBankSettings
from .raw_schema import ECONOMIES_TABLE, ensure_raw_schema, has_table

_ROW_TYPE = (
    '[{"id": "VARCHAR", "iso2Code": "VARCHAR", "name": "VARCHAR", '
    '"region": {"id": "VARCHAR", "value": "VARCHAR"}, '
    '"incomeLevel": {"id": "VARCHAR", "value": "VARCHAR"}, '
    '"lendingType": {"id": "VARCHAR", "value": "VARCHAR"}, "capitalCity": "VARCHAR"}]'
)


def publish_economies(con: duckdb.DuckDBPyConnection, pages: list[Page]) -> int:
    """Replace raw.worldbank_economies with the economies of `pages` (one transaction).
    Returns the number of economies. A page without rows, or rows without an id, is an error
    (the metadata is all or nothing: a partial list would make countries look unknown)."""
    ensure_raw_schema(con)
    con.execute("CREATE OR REPLACE TEMP TABLE wb_meta_pages (url VARCHAR, body VARCHAR)")
    con.executemany("INSERT INTO wb_meta_pages VALUES (?, ?)", [(p.url, p.body) for p in pages])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE wb_meta AS
        SELECT url, r.* FROM (
            SELECT url, unnest(from_json(json_extract(body, '$[1]'), '{_ROW_TYPE}')) AS r
            FROM wb_meta_pages)"""
    )
    bad = con.execute(
        "SELECT url, count(*) FROM wb_meta WHERE coalesce(trim(id), '') = '' GROUP BY url"
    ).fetchall()
    if bad:
        raise WorldBankError(bad[0][0], f"{bad[0][1]} economies without an id")
    total = con.execute("SELECT count(*), count(DISTINCT id) FROM wb_meta").fetchone()
    if total[0] == 0:
        raise WorldBankError(pages[0].url, "the country metadata lists no economy")
    if total[0] != total[1]:
        raise WorldBankError(pages[0].url, "the country metadata lists an economy twice")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {ECONOMIES_TABLE}")
        con.execute(
            f"""INSERT INTO {ECONOMIES_TABLE}
            SELECT upper(trim(id)), iso2Code, name, region.id, region.value, incomeLevel.id,
                   incomeLevel.value, lendingType.id, lendingType.value, capitalCity, url,
                   now()
            FROM wb_meta"""
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return total[0]


def load_economies(
    con: duckdb.DuckDBPyConnection, client: PoliteClient, settings: WorldBankSettings
) -> int:
    """Fetch `/v2/country` (every page) and publish it."""
    return publish_economies(con, fetch_country_metadata(client, settings))


def metadata_due(con: duckdb.DuckDBPyConnection, settings: WorldBankSettings) -> bool:
    """The country metadata was never loaded, or is older than
    LT_WORLDBANK_METADATA_MAX_AGE_DAYS (a read-only connection is enough)."""
    if not has_table(con, ECONOMIES_TABLE):
        return True
    (age,) = con.execute(
        f"SELECT epoch(now() - max(_fetched_at)) / 86400 FROM {ECONOMIES_TABLE}"
    ).fetchone()
    return age is None or age > settings.metadata_max_age_days
