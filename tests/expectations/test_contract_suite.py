"""The raw suite is derived from the data contract: every edge value is judged the same way by
the loader's validation and by the Great Expectations suite."""

import duckdb
import pandas as pd
import pytest

from expectations import runner
from expectations.contract_suite import SUITE_NAME, raw_programme_records_suite
from sources.programme_records import contract
from tests.sources.programme_records.helpers import good_record, load, write_csv

EDGE_VALUES = [
    ("start_year", "1999"),
    ("start_year", "01999"),
    ("start_year", "１９９９"),
    ("start_year", "1999.0"),
    ("start_year", " 1999 "),
    ("start_year", "1899"),
    ("start_year", "2027"),
    ("start_year", "2028"),
    ("funding_amount", "-0"),
    ("funding_amount", "1_000"),
    ("funding_amount", "0.005"),
    ("funding_amount", "0.05"),
    ("funding_amount", "99999999999"),
    ("funding_amount", "1e3"),
    ("funding_amount", "007"),
    ("schools_count", "99999999999"),
    ("schools_count", "1000000"),
    ("schools_count", "-0"),
    ("schools_count", "12\u00a0"),
    ("schools_count", "１２"),
    ("teachers_count", "0"),
    ("source_url", "https://example.org/a b"),
    ("source_url", "https://example.org/ok"),
    ("level", "National"),
]


def _loader_accepts(tmp_path, column, value) -> tuple[bool, dict]:
    con = duckdb.connect()
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = write_csv(tmp_path / "edge.csv", [good_record("EDGE-1", **{column: value})])
    result = load(con, path, load_year=2026)
    row = con.execute("SELECT * FROM raw.programme_records").df()
    con.close()
    return result.rows_loaded == 1, row


def _suite_accepts(column, value, base_row) -> bool:
    row = base_row.copy()
    row.loc[:, column] = value.strip(contract.WHITESPACE)
    return runner.validate_dataframe(SUITE_NAME, row).success


@pytest.mark.parametrize(("column", "value"), EDGE_VALUES)
def test_loader_and_suite_agree_on_edge_values(tmp_path, column, value):
    good_accepted, base_row = _loader_accepts(tmp_path / "base", "programme_name", "Base")
    assert good_accepted
    accepted, _ = _loader_accepts(tmp_path, column, value)
    assert _suite_accepts(column, value, base_row) == accepted, (column, value, accepted)


def test_suite_states_every_contract_rule():
    suite = raw_programme_records_suite(2026)
    by_column = {}
    for expectation in suite["expectations"]:
        by_column.setdefault(expectation["kwargs"].get("column"), []).append(expectation)
    for col in contract.COLUMNS:
        types = {e["type"] for e in by_column.get(col.name, [])}
        if col.required:
            assert "expect_column_values_to_not_be_null" in types, col.name
        if col.pattern or col.allowed:
            assert "expect_column_values_to_match_regex" in types, col.name
    assert runner.suite_table(SUITE_NAME) == "raw.programme_records"


def test_suite_passes_on_a_clean_frame_and_fails_on_a_bad_one(tmp_path):
    (tmp_path / "base").mkdir()
    accepted, row = _loader_accepts(tmp_path / "base", "programme_name", "Base")
    assert accepted and runner.validate_dataframe(SUITE_NAME, row).success
    bad = pd.concat([row, row])  # the same file row twice
    assert not runner.validate_dataframe(SUITE_NAME, bad).success
