"""Contract rules: each bad value yields a clear reason; good rows have none."""

import duckdb
import pytest

from sources.programme_records.contract import WHITESPACE

from .helpers import good_record, load, write_csv, write_json


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def reasons_for(con, tmp_path, **overrides):
    path = write_csv(tmp_path / "one.csv", [good_record(**overrides)])
    result = load(con, path)
    return result.messages


def test_good_record_has_no_reasons(con, tmp_path):
    assert reasons_for(con, tmp_path) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"country_code": "UK"}, "country_code 'UK' is not an ISO 3166-1 alpha-3 country code"),
        ({"country_code": "XYZ"}, "country_code 'XYZ' is not an ISO 3166-1 alpha-3"),
        ({"start_year": "2099"}, "start_year 2099 is impossible (later than 2027)"),
        ({"start_year": "1850"}, "start_year '1850' is below the minimum 1,900"),
        ({"start_year": "01999"}, "start_year '01999' is not a year (four ASCII digits)"),
        ({"start_year": "１９９９"}, "start_year '１９９９' is not a year (four ASCII digits)"),
        ({"start_year": "twenty"}, "start_year 'twenty' is not a year"),
        ({"end_year": "2019"}, "end_year 2019 is before start_year 2021"),
        ({"teachers_count": "-3"}, "teachers_count '-3' is not a whole number without sign"),
        ({"teachers_count": "99999999999"}, "teachers_count '99999999999' is above the maximum"),
        ({"learners_count": "1,200"}, "learners_count '1,200' is not a whole number"),
        ({"funding_amount": "-10"}, "funding_amount '-10' is not a number with at most 2 decimals"),
        ({"funding_amount": "-0"}, "funding_amount '-0' is not a number"),
        ({"funding_amount": "1_000"}, "funding_amount '1_000' is not a number"),
        ({"funding_amount": "0.005"}, "funding_amount '0.005' is not a number with at most 2"),
        ({"funding_currency": ""}, "funding_currency is required when funding_amount is given"),
        ({"funding_currency": "ZZZ"}, "funding_currency 'ZZZ' is not an ISO 4217 currency code"),
        ({"funding_period": "monthly"}, "funding_period 'monthly' is not one of"),
        ({"level": "galactic"}, "level 'galactic' is not one of: local, regional, national"),
        ({"team_kind": "space"}, "team_kind 'space' is not a team kind of the codebook"),
        ({"actors": "teachers; wizards"}, "unknown actor(s) 'wizards'"),
        ({"programme_name": " "}, "programme_name is required but empty"),
        ({"programme_ref": "a b"}, "programme_ref 'a b' is not 3-64 letters"),
        (
            {"source_url": "ftp://example.org"},
            "source_url 'ftp://example.org' is not an http(s) URL",
        ),
    ],
)
def test_each_rule_names_the_file_row_and_reason(con, tmp_path, overrides, expected):
    problems = reasons_for(con, tmp_path, **overrides)
    assert len(problems) == 1
    assert problems[0].startswith("one.csv row 2: ")
    assert expected in problems[0]


def test_aliases_and_case_are_accepted(con, tmp_path):
    problems = reasons_for(
        con,
        tmp_path,
        actors="Headteachers; PUPILS; local authority",
        country_code="gha",
        level="National",
        team_kind="Cross_Sector",
    )
    assert problems == []


def test_misspelt_column_is_reported_with_a_hint(con, tmp_path):
    header = [h if h != "country_code" else "countrycode" for h in good_record()]
    record = good_record()
    record["countrycode"] = record.pop("country_code")
    path = write_csv(tmp_path / "wrong.csv", [record], header=header)
    (problem,) = load(con, path).messages
    assert "unknown column(s) 'countrycode' (did you mean 'country_code'?)" in problem
    assert "country_code is required but empty" in problem


def test_repeated_programme_ref_in_one_file_is_quarantined(con, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [good_record("R-1"), good_record("r-1")])
    result = load(con, path)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert result.messages == ["dup.csv row 3: programme_ref 'r-1' repeats row 2 of the same file"]


def test_json_unknown_key_and_missing_values(con, tmp_path):
    path = write_json(tmp_path / "j.json", [{"programme_ref": "J-9", "colour": "blue"}])
    (problem,) = load(con, path).messages
    assert problem.startswith("j.json row 1: unknown column(s) 'colour'")
    assert "country_code is required but empty" in problem


@pytest.mark.parametrize("space", list(WHITESPACE))
def test_every_contract_space_is_trimmed_from_both_ends_of_a_value(con, tmp_path, space):
    """ASCII and non-ASCII spaces alike, on values that are ASCII and ones that are not."""
    record = good_record(
        "T-1",
        programme_name=f"{space}Équipe apprenante{space}{space}",
        country_code=f"{space}GHA{space}",
        source_name=f"Ministry{space}",
    )
    path = write_json(tmp_path / "spaces.json", [record])
    assert load(con, path).messages == []
    assert con.execute(
        "SELECT programme_name, country_code, source_name FROM raw.programme_records"
    ).fetchone() == ("Équipe apprenante", "GHA", "Ministry")
