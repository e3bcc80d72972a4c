"""The GE mart checks: an empty mart of an empty source warns; a source with data gets the
whole suite, blocking, even when its mart came out empty."""

import dagster as dg
import duckdb
import pytest

from pipelines.warehouse.mart_checks import MART_SOURCES, evaluate_mart
from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from sources.programme_records.raw_schema import RECORDS_TABLE
from tests.sources.programme_records.helpers import load
from tests.sources.sector_plans.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "sample_data" / "programme_records" / "ghana_and_partners.json"


@pytest.fixture
def con():
    connection = duckdb.connect()
    ensure_raw_schemas(connection)
    connection.execute("CREATE SCHEMA marts")
    connection.execute("CREATE TABLE marts.dim_programme (programme_sk VARCHAR)")
    yield connection
    connection.close()


def test_an_empty_source_is_a_warning(con):
    result = evaluate_mart(con, "dim_programme")
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert "raw.programme_records has no rows yet" in result.description


def test_a_source_with_data_keeps_the_blocking_suite(con):
    assert load(con, SAMPLE).rows_loaded > 0
    result = evaluate_mart(con, "dim_programme")  # the mart is empty though its source is not
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR


def test_every_mapped_source_is_a_raw_table():
    assert set(MART_SOURCES.values()) == {RECORDS_TABLE}
