"""The loader: set-based landing of page files, idempotent reloads, and quarantine of what
cannot be used (missing files, unreadable pages, records without an id) without losing the rest."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from sources.literature.loader import load_literature_pages
from sources.literature.raw_schema import ensure_raw_schema
from sources.literature.raw_store import RawStore
from tests.sources.literature.helpers import REPO_ROOT, openalex_page, work_variant

DEMO = REPO_ROOT / "sample_data" / "literature"


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def fingerprint(con):
    return [
        con.execute(f"SELECT * EXCLUDE (_loaded_at) FROM raw.{t} ORDER BY ALL").fetchall()
        for t in ("openalex_works", "eric_documents")
    ]


def test_empty_tables_exist_before_any_page(con, tmp_path):
    ensure_raw_schema(con)
    ensure_raw_schema(con)
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
        ).fetchall()
    }
    assert tables == {
        "openalex_works",
        "eric_documents",
        "literature_pages",
        "literature_quarantine",
    }
    assert load_literature_pages(con, tmp_path).pages_loaded == 0


def test_demo_pages_load_and_reloading_changes_nothing(con):
    first = load_literature_pages(con, DEMO)
    assert (first.openalex_works, first.eric_documents, first.quarantined_pages) == (18, 9, 0)
    before = fingerprint(con)
    assert load_literature_pages(con, DEMO).pages_loaded == 0
    again = load_literature_pages(con, DEMO, reload=True)
    assert again.pages_loaded == first.pages_loaded
    assert fingerprint(con) == before
    assert con.execute("SELECT count(*) FROM raw.literature_pages").fetchone() == (12,)


def write_run(tmp_path, pages, run_id="run1"):
    writer = RawStore(tmp_path / "raw").start_run("openalex", "q", run_id, {})
    for number, page in enumerate(pages):
        body = page if isinstance(page, bytes) else json.dumps(page).encode()
        writer.write_page(position=f"c{number}", url="http://x/works", body=body, records=1)
    return writer.folder


def test_record_without_id_is_quarantined_and_its_page_mates_load(con, tmp_path):
    bad = work_variant(2)
    bad["id"] = None
    write_run(tmp_path, [openalex_page([work_variant(1), bad, work_variant(3)], None, 3)])
    load = load_literature_pages(con, tmp_path / "raw")
    assert (load.openalex_works, load.quarantined_records) == (2, 1)
    row = con.execute(
        "SELECT record_position, reason, raw_record::JSON->>'title' FROM raw.literature_quarantine"
    ).fetchone()
    assert row[:2] == (2, "record has no id")
    assert "variant 2" in row[2]


def test_unreadable_or_missing_page_file_is_quarantined_and_the_others_load(con, tmp_path):
    wrong_type = openalex_page([work_variant(5)], None, 1)
    wrong_type["results"][0]["cited_by_count"] = {"not": "a number"}
    folder = write_run(
        tmp_path,
        [
            openalex_page([work_variant(1)], "c1", 3),
            wrong_type,
            openalex_page([work_variant(3)], None, 3),
        ],
    )
    (folder / "page-0003.json").unlink()
    load = load_literature_pages(con, tmp_path / "raw")
    assert (load.openalex_works, load.quarantined_pages) == (1, 2)
    reasons = dict(
        con.execute("SELECT page, reason FROM raw.literature_quarantine ORDER BY page").fetchall()
    )
    assert reasons[2].startswith("DuckDB cannot read the page")
    assert reasons[3] == "page file is missing"
    statuses = con.execute("SELECT page, status FROM raw.literature_pages ORDER BY page").fetchall()
    assert statuses == [(1, "ok"), (2, "quarantined"), (3, "quarantined")]


def test_the_same_work_from_two_runs_is_kept_as_two_raw_rows(con, tmp_path):
    shutil.rmtree(tmp_path / "raw", ignore_errors=True)
    write_run(tmp_path, [openalex_page([work_variant(1)], None, 1)], run_id="run1")
    write_run(tmp_path, [openalex_page([work_variant(1, updated="2027-01-01")], None, 1)], "run2")
    load_literature_pages(con, tmp_path / "raw")
    assert con.execute(
        "SELECT _run_id, updated_date FROM raw.openalex_works ORDER BY _run_id"
    ).fetchall() == [("run1", work_variant(1)["updated_date"]), ("run2", "2027-01-01")]
