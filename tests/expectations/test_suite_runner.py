"""validate_dataframe: good tables pass, each kind of bad data fails with the right expectation."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import pytest

from expectations import runner


def _check_metadata(result: runner.SuiteResult) -> dict:
    metadata = result.to_metadata()
    json.dumps(metadata)  # JSON-serialisable
    json.dumps(result.to_dict())
    for key, value in metadata.items():
        assert isinstance(value, str | int | float | list | dict), (key, value)
        assert not isinstance(value, bool), key
    return metadata


@pytest.mark.parametrize("name", runner.list_suites())
def test_good_table_passes(name, good_frames):
    result = runner.validate_dataframe(name, good_frames[name])
    assert result.success, result.describe()
    assert result.failures == []
    assert result.failed == 0
    assert result.evaluated == result.successful == len(runner.suite_dict(name)["expectations"])
    assert result.row_count == len(good_frames[name]) > 0
    assert result.table == runner.suite_table(name)
    metadata = _check_metadata(result)
    assert metadata["outcome"] == "passed"
    assert metadata["failed_expectations"] == []
    assert "expectations met" in result.describe()


def _set(column: str, value, row: int = 0) -> Callable[[pd.DataFrame], None]:
    def mutate(df: pd.DataFrame) -> None:
        df.loc[row, column] = value

    return mutate


def _copy_row(source: int, target: int, columns: list[str]) -> Callable[[pd.DataFrame], None]:
    def mutate(df: pd.DataFrame) -> None:
        for column in columns:
            df.loc[target, column] = df.loc[source, column]

    return mutate


def _drop(column: str) -> Callable[[pd.DataFrame], None]:
    def mutate(df: pd.DataFrame) -> None:
        del df[column]

    return mutate


DIM = "dim_programme"
REGEX = "expect_column_values_to_match_regex"
NOT_NULL = "expect_column_values_to_not_be_null"
BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"


def bad(suite, case, mutate, failing, value=None):
    """A bad-data case: `failing` is the label of the expectation that must fail (with its
    columns, as in SuiteResult.to_metadata()["failed_expectations"]), `value` an unexpected value
    it must report."""
    return pytest.param(suite, mutate, failing, value, id=f"{suite}: {case}")


BAD_CASES = [
    bad(DIM, "duplicate programme_sk", _copy_row(0, 1, ["programme_sk"]),
        "expect_column_values_to_be_unique(programme_sk)"),
    bad(DIM, "end before start", _set("end_year", 2018),
        "expect_column_pair_values_a_to_be_greater_than_b(end_year, start_year)", [2018, 2019]),
    bad(DIM, "unknown level", _set("level", "Local"), f"{IN_SET}(level)", "Local"),
    bad(DIM, "implausible start year", _set("start_year", 1850, 2), f"{BETWEEN}(start_year)", 1850),
    bad(DIM, "negative count", _set("teachers_count", -3), f"{BETWEEN}(teachers_count)", -3),
    bad(DIM, "unknown team kind", _set("team_kind_code", "galaxy_brain"),
        f"{IN_SET}(team_kind_code)", "galaxy_brain"),
    bad(DIM, "lower-case country", _set("country_code", "gha"), f"{REGEX}(country_code)", "gha"),
    bad("dim_country", "unknown income group", _set("income_group", "Rich"),
        f"{IN_SET}(income_group)", "Rich"),
    bad("fct_programme_actor", "duplicate programme x actor",
        _copy_row(0, 1, ["actor_code", "actor_group"]),
        f"{COMPOUND_UNIQUE}(programme_sk, actor_code)"),
    bad("fct_country_summary", "kind counts do not add up", _set("cross_sector_count", 5),
        "expect_column_pair_values_to_be_equal(programme_count, team_kind_count_sum)"),
    bad("fct_country_summary", "country without programmes", _set("programme_count", 0, 1),
        f"{BETWEEN}(programme_count)", 0),
]  # fmt: skip


@pytest.mark.parametrize(("name", "mutate", "failing", "value"), BAD_CASES)
def test_bad_table_fails_with_the_right_expectation(name, mutate, failing, value, good_frames):
    df = good_frames[name].copy()
    mutate(df)
    result = runner.validate_dataframe(name, df)

    assert not result.success
    assert result.failed == len(result.failures) >= 1
    assert result.successful + result.failed == result.evaluated
    by_label = {runner.failure_label(f): f for f in result.failures}
    assert failing in by_label, result.describe()
    if value is not None:
        assert value in by_label[failing]["partial_unexpected_values"], by_label[failing]

    metadata = _check_metadata(result)
    assert metadata["outcome"] == "failed"
    assert metadata["expectations_failed"] == result.failed
    assert failing in metadata["failed_expectations"]
    assert failing in result.describe()


def test_missing_column_is_reported_not_raised(good_frames):
    df = good_frames["dim_programme"].drop(columns=["level"])
    result = runner.validate_dataframe("dim_programme", df)
    assert not result.success
    by_label = {runner.failure_label(f): f for f in result.failures}
    assert "does not exist" in by_label["expect_column_values_to_be_in_set(level)"]["exception"]
    assert "missing column(s) level" in result.describe()


def test_empty_table_fails_row_count(good_frames):
    df = good_frames["dim_programme"].iloc[0:0]
    result = runner.validate_dataframe("dim_programme", df)
    assert not result.success
    assert [f["expectation_type"] for f in result.failures] == [
        "expect_table_row_count_to_be_between"
    ]
    assert result.failures[0]["observed_value"] == 0


def test_unknown_suite():
    with pytest.raises(KeyError, match="unknown expectation suite"):
        runner.load_suite("no_such_suite")


def test_read_table_with_filter(sample_con):
    df = runner.read_table(sample_con, "marts.dim_programme", "country_code = ?", ["GHA"])
    assert list(df["programme_ref"]) == ["GHA-TAMALE-READING"]
    assert str(df["start_year"].dtype) == "int32"


def test_to_jsonable_handles_numpy_and_missing_values():
    import numpy as np

    value = runner.to_jsonable(
        [(np.int64(1), np.float64("nan")), {"a": pd.NA}, pd.Timestamp("2024-01-01", tz="UTC")]
    )
    assert value == [[1, None], {"a": None}, "2024-01-01T00:00:00+00:00"]
    json.dumps(value)
