"""Data Docs build from a small DuckDB file (not the real warehouse), offline and re-runnable."""

from __future__ import annotations

import duckdb
import pytest

from expectations import data_docs, runner

from .sample_warehouse import create_sample_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse") / "learning_teams.duckdb"
    with duckdb.connect(str(path)) as con:
        create_sample_warehouse(con)
    return path


def test_build_data_docs_and_rebuild(warehouse, tmp_path, monkeypatch, capsys):
    output_dir = tmp_path / "data_docs"
    index = data_docs.build_data_docs(warehouse, output_dir)

    assert index.name == "index.html"
    assert index.is_file()
    assert index.is_relative_to(output_dir / "gx")
    site = index.parent
    for name in runner.list_suites():
        assert (site / "expectations" / f"{name}.html").is_file()
        pages = list((site / "validations" / name).rglob("*.html"))
        assert len(pages) == 1, name

    # Second run through main(): replaces the suites and assets instead of failing on
    # "already exists", and adds one more validation run per suite.
    monkeypatch.setenv("LT_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("LT_DATA_DOCS_DIR", str(output_dir))
    assert data_docs.main() == 0
    assert capsys.readouterr().out.strip() == str(index)
    for name in runner.list_suites():
        assert len(list((site / "validations" / name).rglob("*.html"))) == 2, name


def test_missing_tables_are_skipped(tmp_path):
    path = tmp_path / "only_countries.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.dim_country AS SELECT 'GHA' AS country_code, 'GH' AS iso2_code, "
            "'Ghana' AS country_name, 'Sub-Saharan Africa' AS region, "
            "'Lower middle income' AS income_group"
        )
    index = data_docs.build_data_docs(path, tmp_path / "docs")
    assert index.is_file()
    validations = index.parent / "validations"
    assert sorted(p.name for p in validations.iterdir()) == ["dim_country"]


def test_missing_warehouse_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        data_docs.build_data_docs(tmp_path / "nope.duckdb", tmp_path / "docs")
