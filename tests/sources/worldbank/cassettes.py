"""The genuine World Bank cassettes (go-vcr YAML in ../shared/data/worldbank), parsed at test
time, and a pytest-httpserver handler that answers the connector's requests with them."""

from __future__ import annotations

import json
from pathlib import Path

from werkzeug import Request, Response

from sources.cassette_server import Interaction, load_cassette
from sources.http_client import HttpConfig, PoliteClient
from sources.worldbank.api import parse_page
from sources.worldbank.config import Indicator
from sources.worldbank.economies import publish_economies

DEMO_METADATA = Path(__file__).resolve().parents[3] / "sample_data" / "worldbank" / "api_demo.yaml"
VALUES_BY_COUNTRY = "wbdata-go_TestIndicatorValuesService_ListByCountryIDs.yaml"
VALUES_WITH_FOOTNOTE = "wbdata-go_TestIndicatorValuesService_ListWithFootnote.yaml"
COUNTRY = "wbdata-go_TestCountriesService_Get.yaml"
INDICATOR = "wbdata-go_TestIndicatorsService_Get.yaml"
ALL = (VALUES_BY_COUNTRY, VALUES_WITH_FOOTNOTE, COUNTRY, INDICATOR)
GDP = Indicator("NY.GDP.MKTP.CD", "GDP (current US$)", "count", "GDP")
PATH = "/v2/country/JPN;USA/indicator/NY.GDP.MKTP.CD"


def client() -> PoliteClient:
    return PoliteClient(config=HttpConfig(min_interval_seconds=0, max_retries=0))


def cassette(shared_data_dir: Path, name: str) -> list[Interaction]:
    return load_cassette(shared_data_dir / "worldbank" / name)


def recorded(shared_data_dir: Path, name: str, url_part: str) -> Interaction:
    """The one interaction of the cassette whose URL contains `url_part`."""
    (found,) = [i for i in cassette(shared_data_dir, name) if url_part in i.url]
    return found


class Replay:
    """Answers `(path, page, per_page)` with a recorded body; records every request seen."""

    def __init__(self, routes: dict[tuple[str, str | None, str | None], str]):
        self.routes = routes
        self.requests: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        key = (request.path, request.args.get("page"), request.args.get("per_page"))
        body = self.routes.get(key) or self.routes.get((request.path, None, None))
        if body is None:
            return Response(f"not recorded: {key}", status=404)
        if isinstance(body, Response):
            return body
        return Response(body, content_type="application/json;charset=utf-8")


def with_rows(body: str, rows: list[dict] | None, **meta) -> str:
    """A recorded envelope with its rows (and paging fields) replaced: for the few cases the
    cassettes do not hold (a second page, a malformed value), built from the genuine page."""
    head, _ = json.loads(body)
    return json.dumps([{**head, **meta}, rows])


def economies(con, shared_data_dir, *extra: dict) -> None:
    """The genuine country metadata (Japan), plus economies the cassette does not hold."""
    genuine = recorded(shared_data_dir, COUNTRY, "/countries/JPN?")
    head, rows = json.loads(genuine.body)
    body = json.dumps([head, rows + list(extra)])
    publish_economies(con, [parse_page(genuine.url, body)])
