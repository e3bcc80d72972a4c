"""Validating through compact frames gives the verdicts of validating every row."""

import re

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
        SELECT p.* REPLACE ((1000 * _row_number + i)::VARCHAR || '.5' AS funding_amount,
                            (_row_number * 10000 + i)::INTEGER AS _row_number)
        FROM raw.programme_records AS p, range(5000) AS r(i)"""
    )
    if bad_row is not None:
        published.execute(
            f"UPDATE t SET funding_amount = '12.345' WHERE _row_number % 10000 = {bad_row}"
        )
    full = runner.validate_dataframe(SUITE_NAME, published.execute("SELECT * FROM t").df())
    compacted = compact.validate_relation(published, SUITE_NAME, "t")
    assert compacted.success == full.success == (bad_row is None)
    assert {runner.failure_label(f) for f in compacted.failures} == {
        runner.failure_label(f) for f in full.failures
    }
    assert compacted.evaluated == full.evaluated and compacted.row_count == 20_000


EXPECTATIONS = runner.suite_dict(SUITE_NAME)["expectations"]
SAMPLES = [
    "",
    "a",
    "ab",
    "abc",
    "ABC",
    "gb1",
    "GBR",
    "g r",
    "0",
    "00",
    "01",
    "10",
    "1.5",
    "1.50",
    "1.505",
    "12345678901234567",
    "2024",
    "202a",
    "BENCH-0000001",
    "bad ref!",
    "x" * 65,
    "a.b_c-d",
    "https://example.org/a?b=1",
    "http://x",
    "https:/x",
    "ftp://x",
    "https://ä",
    "é",
    "1\n",
    "P-1\t",
    "per_year",
    "(?i)",
    "[a]",
    "a-b",
    "-",
    ".",
    "_",
]


@pytest.mark.parametrize(
    "regex", sorted({e["kwargs"]["regex"] for e in EXPECTATIONS if "regex" in e["kwargs"]})
)
def test_a_value_of_one_class_stands_for_every_value_of_its_length(regex):
    """Each raw-suite pattern built from one class judges a value made of that class's
    characters as it judges the class's least character repeated to the same length."""
    members = compact._one_class([regex])
    if members is None:
        assert len(compact._atoms(regex) or []) != 1
        return
    for value in SAMPLES:
        if value and set(value) <= members:
            shape = min(members) * len(value)
            assert bool(re.search(regex, value)) == bool(re.search(regex, shape)), value


def test_only_patterns_of_one_and_the_same_class_are_reduced():
    assert compact._one_class([r"^(?:[A-Za-z]{3})\Z", r"^[a-zA-Z]+$"]) == set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    )
    assert compact._one_class([r"^(?:[A-Za-z]{3})\Z", r"^[a-z]+$"]) is None
    assert compact._one_class([r"^(?:0|[1-9][0-9]{0,11})\Z"]) is None  # three atoms


@pytest.mark.parametrize(
    "regex", [r"^(?i:ab)\Z", r"^[^a]+$", r"^a.b$", r"^\d+$", r"^(a)\1$", r"^x(?=y)$", "^[b-a]$"]
)
def test_patterns_using_more_than_literals_and_classes_are_not_reduced(regex):
    assert compact._atoms(regex) is None


def test_a_large_column_of_references_is_validated_as_a_few_shapes(published):
    published.execute(
        """CREATE OR REPLACE TEMP TABLE t AS
        SELECT p.* REPLACE ('REF-' || i AS programme_ref, i::INTEGER AS _row_number)
        FROM (SELECT * FROM raw.programme_records LIMIT 1) AS p, range(100000) AS r(i)"""
    )
    on_ref = [e for e in EXPECTATIONS if e["kwargs"].get("column") == "programme_ref"]
    shapes_sql = compact._canonical_sql("t", ["programme_ref"], on_ref, {})
    (shapes,) = published.execute(f"SELECT count(*) FROM ({shapes_sql})").fetchone()
    assert shapes <= 6  # one per length
    published.execute("UPDATE t SET programme_ref = 'REF 7' WHERE _row_number = 7")
    result = compact.validate_relation(published, SUITE_NAME, "t")
    failure = next(f for f in result.failures if f["columns"] == ["programme_ref"])
    assert "REF 7" in str(failure)  # reported as submitted, not as its shape
