"""The World Bank connector against a local server replaying the genuine recorded responses
(../shared/data/worldbank, go-vcr cassettes parsed at test time): the envelope (two elements,
`per_page` a string in metadata), errors at HTTP 200 and HTML 400s, paging, `data` null,
aggregates told apart by the country metadata, quarantine reasons, the incremental skip by
lastupdated, short URLs, and a publish killed half-way."""

from __future__ import annotations

import json

import duckdb
import pytest

from sources.worldbank import loader
from sources.worldbank.api import (
    IndicatorFetch,
    WorldBankError,
    country_chunks,
    indicator_url,
    parse_page,
)
from sources.worldbank.config import Indicator, WorldBankSettings
from sources.worldbank.loader import load_indicator, stage_pages
from sources.worldbank.values import validate_staged
from tests.sources.worldbank.cassettes import (
    ALL,
    COUNTRY,
    GDP,
    PATH,
    VALUES_WITH_FOOTNOTE,
    cassette,
    client,
    economies,
    recorded,
    with_rows,
)


@pytest.mark.parametrize("name", ALL)
def test_every_recorded_response_parses_or_fails_naming_the_url_and_message(shared_data_dir, name):
    for interaction in cassette(shared_data_dir, name):
        payload = json.loads(interaction.body)
        if isinstance(payload[0], dict) and "message" in payload[0]:
            with pytest.raises(WorldBankError) as caught:
                parse_page(interaction.url, interaction.body)
            assert str(caught.value).startswith(interaction.url)
            assert "Invalid value" in str(caught.value)
            assert "The provided parameter value is not valid" in str(caught.value)
        else:
            page = parse_page(interaction.url, interaction.body)
            assert page.rows == len(payload[1]) and page.per_page == int(payload[0]["per_page"])
            assert page.pages == int(payload[0]["pages"])


def test_metadata_per_page_is_a_string_and_still_a_number(shared_data_dir):
    country = recorded(shared_data_dir, COUNTRY, "/countries/JPN?")
    assert '"per_page":"50"' in country.body
    assert parse_page(country.url, country.body).per_page == 50


def test_html_and_null_rows_and_a_truncated_body():
    with pytest.raises(WorldBankError, match="HTML, not JSON: 'Bad Request - Invalid URL'"):
        parse_page("u", "<html><head><title>Bad Request - Invalid URL</title></head></html>")
    assert parse_page("u", '[{"page":1,"pages":0,"per_page":"50","total":0},null]').rows == 0
    with pytest.raises(WorldBankError, match="not JSON"):
        parse_page("u", '[{"page":1,"pages":1')


def aggregate(code: str, iso2: str, name: str) -> dict:
    blank = {"id": "", "iso2code": "", "value": "Aggregates"}
    return {"id": code, "iso2Code": iso2, "name": name, "region": blank, "incomeLevel": blank}


def test_pages_load_and_an_unknown_economy_is_quarantined(served):
    con, settings, replay = served
    load = load_indicator(con, client(), settings, GDP, max_year=2030)
    assert load.status == "loaded" and load.pages == 2 and load.last_updated == "2021-05-25"
    assert replay.requests[0].endswith("source=2&per_page=2&page=1&date=2018%3A2019")
    values = con.execute(
        "SELECT economy_code, year, value FROM raw.worldbank_api_values ORDER BY year"
    ).fetchall()
    assert values == [("JPN", 2018, 4954806619995.19), ("JPN", 2019, 5081769542379.77)]
    reasons = con.execute(
        "SELECT reason_codes, reason FROM raw.worldbank_api_quarantine ORDER BY reason"
    ).fetchall()
    assert [r[0] for r in reasons] == [["unknown_economy"]] * 2  # USA: not in the metadata
    assert "page=2" in reasons[0][1] and "economy USA (United States)" in reasons[0][1]


def test_an_unchanged_indicator_costs_one_probe_and_full_refresh_fetches_again(served):
    con, settings, replay = served
    load_indicator(con, client(), settings, GDP, max_year=2030)
    replay.requests.clear()
    again = load_indicator(con, client(), settings, GDP, max_year=2030)
    assert again.status == "unchanged" and len(replay.requests) == 1
    assert "per_page=1&" in replay.requests[0]
    forced = load_indicator(con, client(), settings, GDP, full_refresh=True, max_year=2030)
    assert forced.status == "loaded"
    assert con.execute("SELECT count(*) FROM raw.worldbank_api_values").fetchone()[0] == 2


def test_a_refused_indicator_fails_with_the_url_and_message_and_others_still_load(served):
    con, settings, _ = served
    refused = load_indicator(
        con, client(), settings, Indicator("INVALID.INDICATOR.ID", "x", "count", "x")
    )
    assert refused.status == "failed"
    assert "/indicator/INVALID.INDICATOR.ID?format=json&source=2" in refused.message
    assert "Invalid value (id 120): The provided parameter value is not valid" in refused.message
    html = load_indicator(con, client(), settings, Indicator("SE.BAD", "x", "count", "x"))
    assert html.status == "failed" and "HTTP 400" in html.message
    assert load_indicator(con, client(), settings, GDP, max_year=2030).status == "loaded"
    statuses = con.execute(
        "SELECT indicator_code, status FROM raw.worldbank_api_loads ORDER BY indicator_code"
    ).fetchall()
    assert statuses == [
        ("INVALID.INDICATOR.ID", "failed"),
        ("NY.GDP.MKTP.CD", "loaded"),
        ("SE.BAD", "failed"),
    ]


def test_a_publish_killed_half_way_leaves_raw_and_the_state_as_they_were(served, monkeypatch):
    con, settings, _ = served

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed while publishing")

    monkeypatch.setattr(loader, "insert_rejected", killed)
    with pytest.raises(KeyboardInterrupt):
        load_indicator(con, client(), settings, GDP, max_year=2030)
    for table in ("worldbank_api_values", "worldbank_api_loads", "worldbank_api_quarantine"):
        assert con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0] == 0
    monkeypatch.undo()
    # nothing recorded, so the next run fetches everything again rather than skipping
    assert load_indicator(con, client(), settings, GDP, max_year=2030).status == "loaded"


def test_aggregates_are_matched_and_bad_records_quarantined_on_a_recorded_page(
    shared_data_dir,
):
    """The recorded `country/all` page (Arab World rows, ISO3 ARB, id 1A, with footnotes), with
    the metadata knowing ARB as an aggregate; then the same page with a text value, a year out
    of range and a duplicate."""
    interaction = recorded(shared_data_dir, VALUES_WITH_FOOTNOTE, "indicators/NY.GDP.MKTP.CD?f")
    con = duckdb.connect()
    economies(con, shared_data_dir, aggregate("ARB", "1A", "Arab World"))
    page = parse_page(interaction.url, interaction.body)
    stage_pages(con, IndicatorFetch(GDP.code, "all", pages=[page]))
    result = validate_staged(con, [GDP], max_year=2030)
    _, rows = json.loads(interaction.body)
    with_value = [r for r in rows if r["value"] is not None]
    assert result.rows_read == 50 and result.rows_valid == len(with_value)
    assert result.rows_without_value == 50 - len(with_value) and result.rows_quarantined == 0
    bad = [
        {**with_value[0], "value": "n/a"},
        {**with_value[1], "date": "1899"},
        with_value[2],
        with_value[2],
    ]
    page = parse_page(interaction.url, with_rows(interaction.body, bad))
    stage_pages(con, IndicatorFetch(GDP.code, "all", pages=[page]))
    result = validate_staged(con, [GDP], max_year=2030)
    assert result.rows_valid == 1
    assert result.by_reason == {"duplicate": 1, "non_numeric_value": 1, "year_out_of_range": 1}
    reasons = [r[0] for r in con.execute("SELECT reason FROM wb_rejected").fetchall()]
    assert any("value 'n/a' is not a number" in r for r in reasons)
    assert any("year 1899 is outside 1960-2030" in r for r in reasons)


def test_long_country_lists_are_split_into_short_urls():
    codes = tuple(f"{a}{b}{c}" for a in "ABCDEFG" for b in "ABCDEFG" for c in "ABCDE")
    settings = WorldBankSettings(base_url="https://api.worldbank.org", countries=codes)
    chunks = country_chunks(settings, "SE.PRM.ENRL.TC.ZS")
    assert len(chunks) > 1
    assert sorted(";".join(chunks).split(";")) == sorted(codes)
    for chunk in chunks:
        url = indicator_url(settings, chunk, "SE.PRM.ENRL.TC.ZS", page=99)
        assert len(url) <= settings.max_url_length and "source=2" in url
    assert country_chunks(WorldBankSettings(), "X") == ["all"]


def test_data_null_loads_nothing_and_erases_nothing(served, httpserver):
    con, settings, replay = served
    load_indicator(con, client(), settings, GDP, max_year=2030)
    page1 = replay.routes[(PATH, "1", "2")]
    for key in [(PATH, "1", "2"), (PATH, "1", "1")]:
        replay.routes[key] = with_rows(page1, None, lastupdated="2021-06-30", pages=1, total=0)
    empty = load_indicator(con, client(), settings, GDP, max_year=2030)
    assert empty.status == "loaded" and empty.validation.rows_read == 0
    assert con.execute("SELECT count(*) FROM raw.worldbank_api_values").fetchone()[0] == 2
