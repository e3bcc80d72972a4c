"""Fixtures for the expectation-suite tests: a small in-memory warehouse and its tables."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from expectations import runner

from .sample_warehouse import create_sample_warehouse


@pytest.fixture(scope="session")
def sample_con():
    con = duckdb.connect()
    create_sample_warehouse(con)
    yield con
    con.close()


@pytest.fixture(scope="session")
def good_frames(sample_con) -> dict[str, pd.DataFrame]:
    """Suite name -> its table read back from the sample warehouse (production dtypes)."""
    return {
        name: runner.read_table(sample_con, runner.suite_table(name))
        for name in runner.list_suites()
    }
