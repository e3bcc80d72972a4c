import duckdb
import pytest


@pytest.fixture
def con(tmp_path):
    """A warehouse file of its own (modules reading only temp tables use an in-memory one)."""
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()
