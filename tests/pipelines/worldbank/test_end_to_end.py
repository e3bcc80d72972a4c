"""The World Bank source through the real Dagster jobs, as `make run` drives them: the bundled
demo API responses replayed from a local server (one run per indicator partition with something
new, the country metadata loaded by the first) and the bundled bulk CSV (the marts built from
them: tests/dbt/test_worldbank_models.py). A second run launches no run and changes nothing; an
indicator the API refuses (the genuine error body) fails only its own partition, naming the URL
and the message."""

from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.definitions import build_definitions
from pipelines.worldbank.local import DEMO_CASSETTE, run_worldbank
from sources.cassette_server import load_cassette
from sources.worldbank.config import load_indicators
from tests.pipelines.in_memory import in_memory_instance

ARCHIVED = "SE.SEC.TCAQ.ZS"


def query(settings, sql):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("worldbank")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "LT_WAREHOUSE_PATH": str(root / "warehouse" / "learning_teams.duckdb"),
            "LT_LANDING_DIR": str(root / "landing"),
            "LT_ARCHIVE_DIR": str(root / "warehouse" / "archive"),
            "LT_PUBLISH_DIR": str(root / "warehouse" / "published"),
            "LT_BUILDS_DIR": str(root / "warehouse" / "builds"),
            "LT_HTTP_MAX_RETRIES": "0",
        }.items():
            patch.setenv(key, value)
        from pipelines.settings import Settings

        settings = Settings.from_env()
        with in_memory_instance({"concurrency": {"pools": {"default_limit": 1}}}) as instance:
            defs = build_definitions(settings)
            first = run_worldbank(defs, instance, "ERROR")
            yield settings, defs, instance, first


def test_every_indicator_and_the_bulk_file_load_from_the_demo(demo):
    settings, _, _, first = demo
    assert {key for key, result in first.items() if not result["ok"]} == set()
    assert set(first) == {i.code for i in load_indicators()} | {"bulk_csv"}
    economies, aggregates = query(
        settings,
        "SELECT count(*), count(*) FILTER (WHERE region_name = 'Aggregates') "
        "FROM raw.worldbank_economies",
    )[0]
    assert economies > 200 and aggregates >= 10
    loads = query(settings, "SELECT DISTINCT status, last_updated FROM raw.worldbank_api_loads")
    assert [(s, str(d)) for s, d in loads] == [("loaded", "2025-10-07")]
    (reasons,) = query(
        settings, "SELECT list(DISTINCT reason_codes[1]) FROM raw.worldbank_bulk_quarantine"
    )[0]
    assert reasons == ["unknown_economy"]  # the demo file's KSV row, on purpose


def test_a_second_run_skips_unchanged_indicators_and_changes_nothing(demo):
    settings, defs, instance, _ = demo
    tables = ["worldbank_api_values", "worldbank_api_loads", "worldbank_bulk_files"]
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM raw.{t}" for t in tables)
    before = query(settings, sql)
    runs = len(instance.get_run_records())
    again = run_worldbank(defs, instance, "ERROR")
    assert all(result["ok"] for result in again.values())
    assert {again[i.code]["status"] for i in load_indicators()} == {"unchanged"}
    assert query(settings, sql) == before
    # asked before any run (one probe per indicator): no run launched at all
    assert not any(result["ran"] for result in again.values())
    assert len(instance.get_run_records()) == runs


def test_an_indicator_the_api_refuses_fails_only_its_partition(tmp_path, shared_data_dir, demo):
    """The demo cassette with one indicator answering the genuine error body (as for an
    archived indicator): that partition fails naming the URL and the message; the others run."""
    settings, defs, instance, _ = demo
    genuine = load_cassette(
        shared_data_dir / "worldbank" / "wbdata-go_TestIndicatorValuesService_ListByCountryIDs.yaml"
    )
    error_body = next(i.body for i in genuine if "INVALID.INDICATOR.ID" in i.url)
    cassette = yaml.safe_load(Path(DEMO_CASSETTE).read_text(encoding="utf-8"))
    for item in cassette["interactions"]:
        if f"/indicator/{ARCHIVED}?" in item["request"]["url"]:
            item["response"]["body"] = error_body
    path = tmp_path / "refusing.yaml"
    path.write_text(yaml.safe_dump(cassette), encoding="utf-8")
    other = "SE.PRM.TCHR"
    outcomes = run_worldbank(defs, instance, "ERROR", cassette=path, indicators=[ARCHIVED, other])
    assert {k for k, r in outcomes.items() if not r["ok"]} == {ARCHIVED}
    assert outcomes[other]["status"] == "unchanged"
    error = outcomes[ARCHIVED]["error"]
    assert f"/indicator/{ARCHIVED}?" in error and "Invalid value" in error
    quarantined = query(
        settings,
        "SELECT reason_codes, reason FROM raw.worldbank_api_quarantine "
        f"WHERE indicator_code = '{ARCHIVED}' AND stage = 'response'",
    )
    assert quarantined and quarantined[-1][0] == ["api_error"]
    assert "The provided parameter value is not valid" in quarantined[-1][1]
    # its values from the earlier load are still there
    assert (
        query(
            settings,
            f"SELECT count(*) FROM raw.worldbank_api_values WHERE indicator_code = '{ARCHIVED}'",
        )[0][0]
        > 0
    )
