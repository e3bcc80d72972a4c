"""One warehouse built from the bundled demo literature pages, shared by the tests/dbt modules."""

import pytest

from sources.literature.loader import load_literature_pages
from tests.dbt.literature_build import DEMO, build


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("literature_demo")
    con = build(tmp_path, lambda con: load_literature_pages(con, DEMO))
    yield con
    con.close()
