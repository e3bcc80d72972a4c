"""The blocking suite on raw programme records, generated from the data contract.

`sources/programme_records/contract.py` is the one place the rules live; this module states
them as Great Expectations expectations, so the loader's validation and this suite cannot
disagree. Rules that depend on the load year (the latest start year) take it as an argument.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sources.programme_records import contract
from sources.programme_records.raw_schema import RECORD_METADATA, RECORDS_TABLE

SUITE_NAME = "raw_programme_records"


def _expectation(type_: str, rule: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": {"rule": rule}, "severity": "critical"}


def _numeric(name: str) -> str:
    return f"{name}__number"


def raw_programme_records_suite(load_year: int | None = None) -> dict[str, Any]:
    """The suite as GE JSON (the shape of `ExpectationSuite.to_json_dict()`)."""
    load_year = load_year or date.today().year
    expectations = []
    derived: dict[str, str] = {}
    for col in contract.COLUMNS:
        name = col.name
        if col.required:
            expectations.append(
                _expectation("expect_column_values_to_not_be_null", "required", column=name)
            )
        if col.pattern:
            expectations.append(
                _expectation(
                    "expect_column_values_to_match_regex",
                    f"is {col.pattern_hint}",
                    column=name,
                    regex=contract.full_pattern_python(col.pattern),
                )
            )
        if col.allowed:
            allowed = "|".join(col.allowed)
            expectations.append(
                _expectation(
                    "expect_column_values_to_match_regex",
                    f"one of {', '.join(col.allowed)} (any case)",
                    column=name,
                    regex=contract.full_pattern_python(f"(?i:{allowed})"),
                )
            )
        if col.max_length:
            expectations.append(
                _expectation(
                    "expect_column_value_lengths_to_be_between",
                    f"at most {col.max_length} characters",
                    column=name,
                    max_value=col.max_length,
                )
            )
        maximum = col.max_value
        if name == "start_year":
            maximum = load_year + contract.MAX_YEARS_AHEAD
        if col.pattern and (col.min_value is not None or maximum is not None):
            derived[_numeric(name)] = f"{name}.astype('float64')"
            expectations.append(
                _expectation(
                    "expect_column_values_to_be_between",
                    f"between {col.min_value} and {maximum}",
                    column=_numeric(name),
                    min_value=col.min_value,
                    max_value=maximum,
                )
            )
    for name in contract.REQUIRED_WITH_AMOUNT:
        expectations.append(
            _expectation(
                "expect_column_values_to_not_be_null",
                f"{name} is required when funding_amount is given",
                column=name,
                row_condition={
                    "column": {"name": "funding_amount"},
                    "is_null": False,
                    "type": "nullity",
                },
            )
        )
    derived["duration__years"] = "end_year__number - start_year__number"
    expectations += [
        _expectation(
            "expect_column_values_to_be_between",
            f"end_year not before start_year, at most {contract.MAX_DURATION_YEARS} years after",
            column="duration__years",
            min_value=0,
            max_value=contract.MAX_DURATION_YEARS,
        ),
        _expectation(
            "expect_compound_columns_to_be_unique",
            "one row per delivered file row",
            column_list=["_file_id", "_row_number"],
        ),
        _expectation(
            "expect_column_values_to_be_between",
            "row numbers start at 1",
            column="_row_number",
            min_value=1,
        ),
    ]
    expectations.insert(
        0,
        _expectation(
            "expect_table_columns_to_match_set",
            "exactly the contract columns plus load metadata (and the suite's derived columns)",
            column_set=[*contract.COLUMN_NAMES, *RECORD_METADATA, *derived],
        ),
    )
    for name, sql_type in RECORD_METADATA.items():
        if "NOT NULL" in sql_type:
            expectations.append(
                _expectation("expect_column_values_to_not_be_null", "load metadata", column=name)
            )
    return {
        "name": SUITE_NAME,
        "id": None,
        "expectations": expectations,
        "meta": {
            "table": RECORDS_TABLE,
            "description": "Raw programme records about to be published (all text): generated "
            "from the data contract (sources/programme_records/contract.py), so every rule the "
            "loader applies is audited again before a file's rows become visible.",
            "derived_columns": derived,
        },
        "notes": None,
    }
