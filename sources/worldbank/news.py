"""What a World Bank load would find new, asked before any run is launched: the indicators whose
lastupdated differs from their last load of the same countries (the one-row probe
`load_indicator` makes) and the bulk CSV files whose bytes were never loaded. `make run`
launches runs for these only, so a run with nothing new costs a probe per indicator rather
than a Dagster run each. Reads only: a read-only connection to the warehouse is enough, and a
warehouse without the World Bank tables has everything new."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..http_client import PoliteClient
from .api import WorldBankError, probe_last_updated
from .bulk_csv import already_loaded, sha256_of
from .config import WorldBankSettings
from .loader import last_loaded
from .raw_schema import API_LOADS_TABLE, BULK_FILES_TABLE, has_table


def indicators_with_news(
    con: duckdb.DuckDBPyConnection,
    client: PoliteClient,
    settings: WorldBankSettings,
    codes: list[str],
) -> list[str]:
    """Of `codes`, those a load would fetch: never loaded for these countries, or with another
    lastupdated now. A probe that fails counts as news: the indicator's run then makes the
    request again and records the failure with its URL."""
    if not has_table(con, API_LOADS_TABLE):
        return list(codes)
    news = []
    for code in codes:
        known = last_loaded(con, code, settings.scope)
        try:
            changed = known is None or probe_last_updated(client, settings, code)[0] != known
        except WorldBankError:
            changed = True
        if changed:
            news.append(code)
    return news


def bulk_files_with_news(con: duckdb.DuckDBPyConnection, folder: Path | None) -> list[Path]:
    """The bulk folder's CSV files whose bytes were never loaded."""
    if folder is None or not folder.is_dir():
        return []
    files = sorted(folder.glob("*.csv"))
    if not has_table(con, BULK_FILES_TABLE):
        return files
    return [path for path in files if not already_loaded(con, sha256_of(path))]
