"""What a load would find new, asked before any run (sources/worldbank/news.py), against the
local server replaying the genuine recorded responses: an indicator is news until it is loaded,
then only when the probe's lastupdated differs (one request) or the probe fails; a bulk file
is news until its bytes are loaded; a warehouse without the tables has everything new."""

from __future__ import annotations

import json
import shutil

import duckdb

from sources.worldbank.bulk_csv import load_bulk_csv
from sources.worldbank.config import load_indicators
from sources.worldbank.loader import load_indicator
from sources.worldbank.news import bulk_files_with_news, indicators_with_news
from tests.sources.worldbank.cassettes import GDP, PATH, client
from tests.sources.worldbank.test_bulk_csv import REAL

REFUSED = "INVALID.INDICATOR.ID"


def test_an_indicator_is_news_until_loaded_then_only_when_its_lastupdated_changes(served):
    con, settings, replay = served
    codes = [GDP.code, REFUSED]
    assert indicators_with_news(duckdb.connect(), client(), settings, codes) == codes  # no tables
    assert indicators_with_news(con, client(), settings, codes) == codes  # never loaded
    assert load_indicator(con, client(), settings, GDP, max_year=2030).status == "loaded"
    replay.requests.clear()
    assert indicators_with_news(con, client(), settings, codes) == [REFUSED]
    assert len(replay.requests) == 1 and "per_page=1&" in replay.requests[0]  # GDP's probe
    head, rows = json.loads(replay.routes[(PATH, "1", "1")])
    replay.routes[(PATH, "1", "1")] = json.dumps([{**head, "lastupdated": "2022-01-31"}, rows])
    assert indicators_with_news(con, client(), settings, codes) == codes


def test_a_failing_probe_is_news_so_the_run_records_the_failure(served):
    con, settings, replay = served
    assert load_indicator(con, client(), settings, GDP, max_year=2030).status == "loaded"
    replay.routes[(PATH, "1", "1")] = "<html><title>Bad Request</title></html>"
    assert indicators_with_news(con, client(), settings, [GDP.code]) == [GDP.code]


def test_a_bulk_file_is_news_until_its_bytes_are_loaded(con, shared_data_dir, tmp_path):
    folder = tmp_path / "bulk"
    folder.mkdir()
    shutil.copy(shared_data_dir / "worldbank" / REAL, folder / REAL)
    assert bulk_files_with_news(duckdb.connect(), folder) == [folder / REAL]  # no tables
    assert bulk_files_with_news(con, None) == []
    assert bulk_files_with_news(con, folder) == [folder / REAL]
    assert load_bulk_csv(con, folder / REAL, load_indicators()).status == "loaded"
    assert bulk_files_with_news(con, folder) == []
    (folder / "renamed_copy.csv").write_bytes((folder / REAL).read_bytes())
    assert bulk_files_with_news(con, folder) == []  # the same bytes under another name
