"""Every BI-facing mart (models/marts) has an enforced dbt contract, and the contract fails the
build of a mart whose column disappears or changes type."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from dbt.cli.main import dbtRunner

from pipelines.settings import DBT_PROJECT_DIR

MARTS_DIR = Path(DBT_PROJECT_DIR) / "models" / "marts"


def _mart_yaml() -> dict[str, dict]:
    models = {}
    for path in MARTS_DIR.rglob("*.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            models[model["name"]] = model
    return models


def test_every_mart_has_an_enforced_contract_with_a_type_per_column():
    models = _mart_yaml()
    marts = sorted(p.stem for p in MARTS_DIR.rglob("*.sql"))
    assert marts, "no marts found"
    for mart in marts:
        assert mart in models, f"{mart}: no YAML"
        model = models[mart]
        assert model.get("config", {}).get("contract") == {"enforced": True}, mart
        untyped = [c["name"] for c in model.get("columns", []) if not c.get("data_type")]
        assert model.get("columns") and not untyped, f"{mart}: no data_type for {untyped}"


def test_no_dbt_test_repeats_a_not_null_constraint():
    """The contract's NOT NULL is enforced when the table is created (on the embedded file and on
    the lake: macros/lake_table_columns.sql), so a not_null test on such a column could never
    fail; the `unique` tests beside PRIMARY KEY stay (the lake has no key constraints)."""
    repeated = []
    for mart, model in _mart_yaml().items():
        for column in model.get("columns", []):
            constraints = {c["type"] for c in column.get("constraints", [])}
            tests = [
                t if isinstance(t, str) else next(iter(t)) for t in column.get("data_tests", ())
            ]
            if "not_null" in constraints and "not_null" in tests:
                repeated.append(f"{mart}.{column['name']}")
    assert not repeated


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the dbt project with its own warehouse, holding the codebook_actors seed."""
    tmp = tmp_path_factory.mktemp("contracts")
    copy = tmp / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    os.environ["DO_NOT_TRACK"] = "1"
    warehouse = tmp / "learning_teams.duckdb"

    def invoke(*args: str):
        old = os.environ.get("LT_WAREHOUSE_PATH")
        os.environ["LT_WAREHOUSE_PATH"] = str(warehouse)
        cwd = os.getcwd()
        os.chdir(copy)
        try:
            return dbtRunner().invoke([*args, "--profiles-dir", ".", "--quiet"])
        finally:
            os.chdir(cwd)
            if old is None:
                os.environ.pop("LT_WAREHOUSE_PATH")
            else:
                os.environ["LT_WAREHOUSE_PATH"] = old

    assert invoke("seed", "--select", "codebook_actors").success
    return copy, invoke


def _run_dim_actor(project, sql: str):
    copy, invoke = project
    (copy / "models" / "marts" / "dim_actor.sql").write_text(sql)
    return invoke("run", "--select", "dim_actor")


ORIGINAL = (MARTS_DIR / "dim_actor.sql").read_text()


def test_the_contract_passes_the_model_as_it_is(project):
    assert _run_dim_actor(project, ORIGINAL).success


def test_a_column_that_changes_type_fails_the_build(project):
    changed = ORIGINAL.replace("actor_group,", "length(actor_group) as actor_group,")
    assert changed != ORIGINAL
    result = _run_dim_actor(project, changed)
    assert not result.success
    assert "contract" in str(result.result).lower() + str(result.exception).lower()


def test_a_null_in_a_not_null_column_fails_the_build(project):
    null_one = "    nullif(actor_code, 'teachers') as actor_code,"
    changed = ORIGINAL.replace("    actor_code,", null_one)
    assert changed != ORIGINAL
    result = _run_dim_actor(project, changed)
    assert not result.success
    assert "not null constraint failed" in str(result.result).lower()


def test_a_column_that_disappears_fails_the_build(project):
    changed = ORIGINAL.replace(",\n    definition as actor_definition", "")
    assert changed != ORIGINAL
    result = _run_dim_actor(project, changed)
    assert not result.success
