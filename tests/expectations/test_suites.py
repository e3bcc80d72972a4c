"""The suite JSON files: GE loads them as they are, each names its table, and they stay in step
with the data contract and the documented marts columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from expectations import runner

EXPECTED_SUITES = {
    "dim_programme": "marts.dim_programme",
    "dim_country": "marts.dim_country",
    "fct_programme_actor": "marts.fct_programme_actor",
    "fct_country_summary": "marts.fct_country_summary",
}
FILE_SUITES = sorted(EXPECTED_SUITES)
"""Suites stored as JSON: every suite run on the published copy (the delivery audit builds its
own, per delivery: tests/expectations/test_programme_records_audit.py)."""
MARTS_YML = (
    Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts" / "_marts__models.yml"
)


def _expectations(name: str, type_: str | None = None) -> list[dict]:
    return [
        e for e in runner.suite_dict(name)["expectations"] if type_ is None or e["type"] == type_
    ]


def _column_set(name: str) -> set[str]:
    (columns,) = _expectations(name, "expect_table_columns_to_match_set")
    return set(columns["kwargs"]["column_set"])


def test_all_suites_present():
    assert set(runner.list_suites()) == set(EXPECTED_SUITES)


@pytest.mark.parametrize("name", sorted(EXPECTED_SUITES))
def test_suite_loads_and_names_its_table(name):
    suite = runner.load_suite(name)
    data = runner.suite_dict(name)
    assert suite.name == name == data["name"]
    assert len(suite.expectations) == len(data["expectations"]) > 0
    if name in FILE_SUITES:  # the file is exactly GE's own serialisation of the suite
        assert suite.to_json_dict() == data
    assert runner.suite_table(name) == EXPECTED_SUITES[name]
    assert re.fullmatch(r"[a-z_]+\.[a-z_]+", runner.suite_table(name))
    assert runner.suite_description(name).strip()


@pytest.mark.parametrize("name", FILE_SUITES)
def test_suite_file_is_formatted_json(name):
    path = runner.suite_path(name)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert path.read_text(encoding="utf-8") == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(EXPECTED_SUITES))
def test_expectations_only_name_known_columns(name):
    known = _column_set(name) | set(runner.derived_columns(name))
    for e in _expectations(name):
        kwargs = e["kwargs"]
        used = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
        used += kwargs.get("column_list") or []
        condition = kwargs.get("row_condition") or {}
        used.append((condition.get("column") or {}).get("name"))
        assert {c for c in used if c} <= known, e


@pytest.mark.skipif(not MARTS_YML.is_file(), reason="dbt marts models file not found")
@pytest.mark.parametrize("name", sorted(EXPECTED_SUITES))
def test_mart_suites_cover_the_documented_columns(name):
    models = {m["name"]: m for m in yaml.safe_load(MARTS_YML.read_text())["models"]}
    model = runner.suite_table(name).split(".", 1)[1]
    documented = {c["name"] for c in models[model].get("columns", [])}
    assert _column_set(name) == documented
