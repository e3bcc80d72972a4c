"""One warehouse built from the bundled demo literature pages, shared by the tests/dbt modules
of every test worker (built once: tests/built_once.py), opened read-only."""

import duckdb
import pytest

from sources.literature.loader import load_literature_pages
from tests.built_once import built_once
from tests.dbt.literature_build import DEMO, build


def _build(root):
    build(root, lambda con: load_literature_pages(con, DEMO)).close()


@pytest.fixture(scope="session")
def demo(session_dir):
    root = built_once(session_dir, "literature_demo", _build)
    con = duckdb.connect(str(root / "warehouse" / "learning_teams.duckdb"), read_only=True)
    yield con
    con.close()
