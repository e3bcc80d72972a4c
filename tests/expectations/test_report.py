"""The offline data-quality report: built from a small warehouse file, self-contained, honest
about failures, and reading the published copy rather than the live file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import duckdb
import pytest
from bs4 import BeautifulSoup

from expectations import report, runner
from tests.html_resources import scan

from .sample_warehouse import create_sample_warehouse


@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "learning_teams.duckdb"
    with duckdb.connect(str(path)) as con:
        create_sample_warehouse(con)
    return path


@pytest.fixture(scope="module")
def bad_warehouse(good_warehouse, tmp_path_factory):
    """The sample with a lower-case ISO alpha-2 code and no fct_programme_actor table."""
    path = tmp_path_factory.mktemp("bad") / "learning_teams.duckdb"
    shutil.copyfile(good_warehouse, path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE marts.dim_country SET iso2_code = 'gh' WHERE country_code = 'GHA'")
        con.execute("DROP TABLE marts.fct_programme_actor")
    return path


@pytest.fixture(scope="module")
def good_page(good_warehouse, tmp_path_factory):
    out = report.build_report(good_warehouse, tmp_path_factory.mktemp("out") / "r.html")
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bad_page(bad_warehouse, tmp_path_factory):
    out = report.build_report(bad_warehouse, tmp_path_factory.mktemp("out") / "r.html")
    return out.read_text(encoding="utf-8")


def _section(page: str, suite: str):
    return BeautifulSoup(page, "html.parser").find("section", id=suite)


def test_report_is_self_contained(good_page, bad_page):
    for page in (good_page, bad_page):
        external, tags = scan(page)
        assert external == []
        assert "script" not in tags
        assert "<style>" in page  # styled inline, not from a stylesheet URL


def test_report_lists_every_expectation_with_its_rule(good_page):
    soup = BeautifulSoup(good_page, "html.parser")
    assert "All suites passed" in soup.find("p", class_="meta").get_text()
    for name in runner.list_suites():
        suite = runner.suite_dict(name)
        section = soup.find("section", id=name)
        assert section is not None, name
        assert runner.suite_table(name) in section.get_text()
        rows = section.select("tbody tr")
        assert len(rows) == len(suite["expectations"]), name
        assert all(r.get("class") == ["pass"] for r in rows), name
        text = section.get_text(" ")
        for expectation in suite["expectations"]:
            assert expectation["type"] in text
            if rule := expectation.get("meta", {}).get("rule"):
                assert rule in text, (name, rule)
    rows = BeautifulSoup(good_page, "html.parser").select_one("section table").select("tbody tr")
    assert len(rows) == len(runner.list_suites())


def test_report_shows_a_failing_expectation_with_examples(bad_page):
    assert "1 of 4 suites failed; 1 table(s) missing" in bad_page
    section = _section(bad_page, "dim_country")
    assert section.find("span", class_="failed") is not None
    failed = section.select("tbody tr.fail")
    assert len(failed) == 1
    text = failed[0].get_text(" ")
    assert "ISO 3166-1 alpha-2, upper case" in text
    assert "expect_column_values_to_match_regex" in text
    assert "iso2_code" in text
    assert "1 unexpected (25.00%)" in text
    assert '"gh"' in text
    # failures come first; the others still show as passed
    assert section.select("tbody tr")[0] is failed[0]
    assert len(section.select("tbody tr.pass")) == 9


def test_report_names_a_missing_table(bad_page):
    section = _section(bad_page, "fct_programme_actor")
    assert "table missing" in section.get_text()
    assert "not in the warehouse" in section.get_text()


def test_reads_the_published_copy_not_the_live_file(
    good_warehouse, bad_warehouse, tmp_path, monkeypatch, capsys
):
    publish_dir = tmp_path / "published"
    publish_dir.mkdir()
    shutil.copyfile(good_warehouse, publish_dir / "learning_teams.duckdb")
    monkeypatch.setenv("LT_PUBLISH_DIR", str(publish_dir))
    monkeypatch.setenv("LT_WAREHOUSE_PATH", str(bad_warehouse))
    monkeypatch.setenv("LT_DATA_DOCS_DIR", str(tmp_path / "docs"))

    assert report.warehouse_source() == (publish_dir / "learning_teams.duckdb", "published")
    assert report.main() == 0
    out = tmp_path / "docs" / report.REPORT_FILE_NAME
    assert capsys.readouterr().out.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert "All suites passed" in page
    assert f"published warehouse <code>{publish_dir / 'learning_teams.duckdb'}" in page

    # Nothing published yet: the live file is read.
    (publish_dir / "learning_teams.duckdb").unlink()
    assert report.warehouse_source() == (bad_warehouse, "live")
    assert "1 of 4 suites failed" in report.build_report().read_text(encoding="utf-8")


def test_the_file_is_closed_before_validation(good_warehouse):
    frames = report.read_tables(good_warehouse, runner.list_suites())
    assert set(frames) == set(runner.list_suites())
    # A read-only handle still open in this process would make a read-write open fail.
    with duckdb.connect(str(good_warehouse)) as con:
        assert con.execute("SELECT count(*) FROM marts.dim_country").fetchone()[0] == 4


def test_a_locked_live_file_gets_a_clear_message(good_warehouse, tmp_path):
    live = tmp_path / "learning_teams.duckdb"
    shutil.copyfile(good_warehouse, live)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys
                con = duckdb.connect({str(live)!r})
                print("locked", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RuntimeError, match="publish"):
            report.read_tables(live, ["dim_country"])
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_missing_warehouse_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.duckdb"):
        report.build_report(tmp_path / "nope.duckdb", tmp_path / "r.html")
