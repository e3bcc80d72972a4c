"""The World Bank connector's tests share one local server replaying the genuine recorded
responses (cassettes.py)."""

from __future__ import annotations

import json

import duckdb
import pytest
from werkzeug import Response

from sources.cassette_server import load_cassette
from sources.worldbank.api import parse_page
from sources.worldbank.config import WorldBankSettings
from sources.worldbank.economies import publish_economies
from tests.sources.worldbank.cassettes import (
    DEMO_METADATA,
    PATH,
    VALUES_BY_COUNTRY,
    Replay,
    economies,
    recorded,
    with_rows,
)


@pytest.fixture
def served(httpserver, shared_data_dir):
    """The recorded JPN;USA page 1 of 2 (2018-2019, per_page 2), a page 2 built from it (USA),
    the error body for an invalid indicator, and the one-row probe answered with page 1."""
    page1 = recorded(shared_data_dir, VALUES_BY_COUNTRY, "per_page=2").body
    _, rows = json.loads(page1)
    usa = [
        {**row, "country": {"id": "US", "value": "United States"}, "countryiso3code": "USA"}
        for row in rows
    ]
    error = recorded(shared_data_dir, VALUES_BY_COUNTRY, "INVALID.INDICATOR.ID").body
    replay = Replay(
        {
            (PATH, "1", "2"): page1,
            (PATH, "2", "2"): with_rows(page1, usa, page=2),
            (PATH, "1", "1"): page1,
            ("/v2/country/JPN;USA/indicator/INVALID.INDICATOR.ID", None, None): error,
            ("/v2/country/JPN;USA/indicator/SE.BAD", None, None): Response(
                "<html><title>Bad Request</title></html>", status=400, content_type="text/html"
            ),
        }
    )
    httpserver.expect_request(PATH).respond_with_handler(replay)
    for path in ("INVALID.INDICATOR.ID", "SE.BAD"):
        httpserver.expect_request(f"/v2/country/JPN;USA/indicator/{path}").respond_with_handler(
            replay
        )
    settings = WorldBankSettings(
        base_url=httpserver.url_for("").rstrip("/"),
        countries=("JPN", "USA"),
        date="2018:2019",
        per_page=2,
    )
    con = duckdb.connect()
    economies(con, shared_data_dir)
    return con, settings, replay


@pytest.fixture
def con():
    """A warehouse knowing the bundled demo country metadata (every country of the seed with a
    World Bank region, and the regional, income and World aggregates)."""
    connection = duckdb.connect()
    (metadata,) = [i for i in load_cassette(DEMO_METADATA) if "/v2/country?" in i.url]
    publish_economies(connection, [parse_page(metadata.url, metadata.body)])
    yield connection
    connection.close()
