"""The warehouse's dbt resource knows its dbt's version without running `dbt --version`."""

import re
import subprocess

from pipelines.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR
from pipelines.warehouse.dbt_cli import WarehouseDbtCli


def test_version_is_the_one_the_dbt_executable_reports():
    dbt = WarehouseDbtCli(project_dir=str(DBT_PROJECT_DIR), dbt_executable=DBT_EXECUTABLE)
    output = subprocess.check_output([DBT_EXECUTABLE, "--version"], text=True)
    (core,) = re.findall(r"installed:\s+(\d+\.\d+\.\d+)", output)
    assert str(dbt._cli_version) == core
    assert dbt._cli_version.major < 2  # dbt Core, not Fusion: dbt-duckdb adapters apply
