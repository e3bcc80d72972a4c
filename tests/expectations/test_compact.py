"""Validating through compact frames gives the verdicts of validating every row."""

import duckdb
import pytest

from expectations import compact, runner
from expectations.contract_suite import SUITE_NAME
from tests.sources.programme_records.helpers import good_record, load, write_csv

BREAKAGES = {
    "good": "",
    "regex": "country_code = CASE WHEN _row_number = 3 THEN 'gb1' ELSE country_code END",
    "null": "programme_name = CASE WHEN _row_number = 4 THEN NULL ELSE programme_name END",
    "length": "programme_name = CASE WHEN _row_number = 2 THEN repeat('n', 301) "
    "ELSE programme_name END",
    "derived range": "end_year = CASE WHEN _row_number = 3 THEN '1990' ELSE end_year END",
    "row condition": "funding_currency = NULL",
    "duplicate key": "_row_number = CASE WHEN _row_number = 4 THEN 3 ELSE _row_number END",
    "row number range": "_row_number = _row_number - 2",
    "missing column": None,
}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compact")
    con = duckdb.connect()
    records = [good_record(f"C-{i}", end_year=str(2020 + i)) for i in range(1, 5)]
    path = write_csv(tmp / "c.csv", records)
    assert load(con, path).rows_loaded == 4
    yield con
    con.close()


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_compact_validation_agrees_with_validating_every_row(published, case):
    change = BREAKAGES[case]
    published.execute("CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM raw.programme_records")
    if change:
        published.execute(f"UPDATE t SET {change}")
    if change is None:
        published.execute("ALTER TABLE t DROP COLUMN source_name")
    full = runner.validate_dataframe(SUITE_NAME, published.execute("SELECT * FROM t").df())
    compacted = compact.validate_relation(published, SUITE_NAME, "t")
    assert compacted.success == full.success == (case == "good")
    assert {runner.failure_label(f) for f in compacted.failures} == {
        runner.failure_label(f) for f in full.failures
    }
    assert compacted.evaluated == full.evaluated and compacted.row_count == 4


def test_expectations_judged_by_frequency_are_refused():
    suite = {
        "expectations": [
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}},
        ]
    }
    with pytest.raises(ValueError, match="distinct values"):
        compact.groups(suite, ["a"])


@pytest.mark.parametrize("bad_row", [None, 4_999])
def test_large_groups_validated_in_chunks_agree(published, monkeypatch, bad_row):
    """A group with more distinct values than fit beside the others is validated in chunks
    (here of 2,048 rows); a bad value in a later chunk still fails the suite, with the
    counts of validating every row."""
    monkeypatch.setattr(compact, "COMBINED_MAX_ROWS", 100)
    monkeypatch.setattr(compact, "CHUNK_VECTORS", 1)
    published.execute(
        """CREATE OR REPLACE TEMP TABLE t AS
        SELECT p.* REPLACE (programme_ref || '-' || i AS programme_ref,
                            (_row_number * 10000 + i)::INTEGER AS _row_number)
        FROM raw.programme_records AS p, range(5000) AS r(i)"""
    )
    if bad_row is not None:
        published.execute(
            f"UPDATE t SET programme_ref = 'bad ref!' WHERE _row_number % 10000 = {bad_row}"
        )
    full = runner.validate_dataframe(SUITE_NAME, published.execute("SELECT * FROM t").df())
    compacted = compact.validate_relation(published, SUITE_NAME, "t")
    assert compacted.success == full.success == (bad_row is None)
    assert {runner.failure_label(f) for f in compacted.failures} == {
        runner.failure_label(f) for f in full.failures
    }
    assert compacted.evaluated == full.evaluated and compacted.row_count == 20_000
