"""Download + extract against pytest-httpserver: the demo catalogue and site, and faults."""

from __future__ import annotations

import hashlib

import pytest
from werkzeug import Response

from sources.sector_plans.catalogue import load_catalogue_export
from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.documents import download_and_extract, resolve_document_url

from .conftest import SAMPLE_DIR, serve_site

EXPORT = SAMPLE_DIR / "planipolis_catalogue_export.csv"
RES = "/sites/default/files/ressources/"
CHALLENGE = b"<!doctype html><html><head><title>Making sure you're not a bot!</title></head></html>"


def _run(con, client, httpserver, tmp_path, overrides=None):
    base = serve_site(httpserver, overrides=overrides)
    load_catalogue_export(con, EXPORT, base_url=base)
    settings = PlanipolisSettings(base_url=base, not_pdf_retries=1)
    return download_and_extract(con, client, tmp_path / "store", settings), settings


def _quarantine(con, stage=None):
    sql = "SELECT record_ref, reason_codes[1], reason FROM raw.sector_plans_quarantine"
    if stage:
        sql += f" WHERE stage = '{stage}'"
    return {
        ref: (code, reason) for ref, code, reason in con.execute(sql + " ORDER BY 1").fetchall()
    }


def test_demo_catalogue_downloads_once_and_lands_pages(con, client, httpserver, tmp_path):
    run, settings = _run(con, client, httpserver, tmp_path)
    assert (run.documents, run.downloaded, run.pages, run.pages_without_text) == (8, 7, 19, 3)
    assert run.quarantined == {"truncated": 1}
    files = con.execute(
        "SELECT doc_id, document_sha256, store_path, page_count FROM raw.sector_plan_files"
    ).fetchall()
    assert len(files) == 7
    for _doc, sha, path, _pages in files:
        data = open(path, "rb").read()  # noqa: SIM115
        assert hashlib.sha256(data).hexdigest() == sha and path.endswith(f"{sha}.pdf")
    scanned = con.execute(
        """SELECT page_no, has_text FROM raw.sector_plan_pages
        WHERE doc_id = 'nep_demo0004np' ORDER BY page_no"""
    ).fetchall()
    assert scanned == [(1, False), (2, False)]
    code, reason = _quarantine(con, "extract")["nep_demo0006mz"]
    assert code == "truncated" and "mozambique_pee_2020-2029.pdf" in reason
    # the bare file name was recorded on the real host and fetched from the configured base
    kenya = [r for r in httpserver.log if "kenya_nessp" in r[0].path]
    assert kenya and kenya[0][1].status_code == 200
    # a second run fetches nothing new but the quarantined document, again
    before = len(httpserver.log)
    again = download_and_extract(con, client, tmp_path / "store", settings)
    assert (again.documents, again.downloaded) == (1, 0)
    assert len(httpserver.log) == before + 1
    assert con.execute("SELECT count(*) FROM raw.sector_plan_pages").fetchone() == (19,)


def test_bot_challenge_at_200_is_retried_then_quarantined(con, client, httpserver, tmp_path):
    path = RES + "ghana_education_strategic_plan_2018-2030.pdf"
    challenge = Response(CHALLENGE, content_type="text/html")
    run, _ = _run(con, client, httpserver, tmp_path, overrides={path: challenge})
    assert run.quarantined == {"not_a_pdf": 1, "truncated": 1}
    assert len([r for r in httpserver.log if r[0].path == path]) == 2  # 1 retry
    code, reason = _quarantine(con, "download")["nep_demo0001gh"]
    assert code == "not_a_pdf"
    assert "not a PDF after 2 tries" in reason and "text/html" in reason
    assert "ghana_education_strategic_plan_2018-2030.pdf" in reason
    assert run.pages == 16  # the others carry on


def test_challenge_then_pdf_succeeds(con, client, httpserver, tmp_path, pdfs):
    path = RES + "ghana_education_strategic_plan_2018-2030.pdf"
    answers = iter(
        [
            Response(CHALLENGE, content_type="text/html"),
            Response(pdfs.text_pdf(["Plan 2018-2030"]), content_type="application/pdf"),
        ]
    )
    run, _ = _run(con, client, httpserver, tmp_path, overrides={path: lambda _r: next(answers)})
    assert "nep_demo0001gh" not in _quarantine(con)
    assert run.quarantined == {"truncated": 1}


def test_429_retry_after_and_500_then_success(con, client, httpserver, tmp_path, pdfs):
    pdf = pdfs.text_pdf(["Plan 2018-2030"])
    answers = iter(
        [
            Response("slow down", status=429, headers={"Retry-After": "7"}),
            Response("oops", status=500),
            Response(pdf, content_type="application/pdf"),
        ]
    )
    path = RES + "ghana_education_strategic_plan_2018-2030.pdf"
    _run(con, client, httpserver, tmp_path, overrides={path: lambda _r: next(answers)})
    assert "nep_demo0001gh" not in _quarantine(con)
    assert 7.0 in client.recorded_sleeps


def test_http_errors_encrypted_and_same_bytes_twice(con, client, httpserver, tmp_path, pdfs):
    shared = pdfs.text_pdf(["Same document, two URLs 2018-2022"])
    overrides = {
        RES + "kenya_nessp_2018-2022.pdf": Response("missing", status=404),
        RES + "senegal_paquet_ef_2018-2030.pdf": Response(
            pdfs.encrypted_pdf(pdfs.text_pdf(["Plan"])), content_type="application/pdf"
        ),
        RES + "ghana_education_strategic_plan_2018-2030.pdf": Response(
            shared, content_type="application/pdf"
        ),
        RES + "honduras_pese_2018-2030.pdf": Response(shared, content_type="application/pdf"),
    }
    run, _ = _run(con, client, httpserver, tmp_path, overrides=overrides)
    quarantine = _quarantine(con)
    assert quarantine["nep_demo0002ke"][0] == "http_error"
    assert "HTTP 404" in quarantine["nep_demo0002ke"][1]
    assert quarantine["nep_demo0005sn"][0] == "encrypted"
    assert run.quarantined == {"http_error": 1, "encrypted": 1, "truncated": 1}
    stored = sorted(p.name for p in (tmp_path / "store").iterdir())
    assert f"{hashlib.sha256(shared).hexdigest()}.pdf" in stored
    # ghana+honduras share one file; nepal en + ne; the encrypted one is kept as fetched
    assert len(stored) == 5


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://planipolis.iiep.unesco.org/sites/default/files/ressources/a.pdf",
            "http://127.0.0.1:9/sites/default/files/ressources/a.pdf",
        ),
        ("https://www.education.gov.gh/plan.pdf", "https://www.education.gov.gh/plan.pdf"),
    ],
)
def test_resolve_document_url(url, expected):
    assert resolve_document_url(url, "http://127.0.0.1:9/") == expected


def test_malformed_catalogue_rows_fail_with_what_to_do(con, client, httpserver, tmp_path):
    """The real list's malformed rows (PROVENANCE: bare file names without a plan page, a link
    to a .htm page): their failure says what a person can do."""
    import csv

    from sources.sector_plans.catalogue import CATALOGUE_COLUMNS

    web_page = Response("<html><body>Basic plan</body></html>", content_type="text/html")
    base = serve_site(httpserver, overrides={"/a_menu/keikaku/detail/1335023.htm": web_page})
    rows = [
        {  # real row shape: a bare file name, no plan page (Côte d'Ivoire)
            "doc_id": "nep_bare",
            "title": "Plan d'action à moyen terme du secteur de l'éducation",
            "country": "Côte D'ivoire",
            "year": "2009",
            "languages": "French",
            "resource_type": "National Education Plans",
            "document_url": "cotedivoireplandactions2009.pdf",
        },
        {  # real row shape: the Japanese plan links a web page, not a PDF
            "doc_id": "nep_htm",
            "title": "Basic plan for the promotion of education (Provisional translation)",
            "country": "Japan",
            "year": "2008",
            "languages": "English",
            "resource_type": "National Education Plans",
            "planipolis_page_url": f"{BASE}/en/2008/basic-plan-promotion-education-4951",
            "document_url": f"{base}/a_menu/keikaku/detail/1335023.htm",
        },
    ]
    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CATALOGUE_COLUMNS)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in CATALOGUE_COLUMNS} for row in rows)
    assert load_catalogue_export(con, export, base_url=base).rows_loaded == 2
    settings = PlanipolisSettings(base_url=base, not_pdf_retries=0)
    run = download_and_extract(con, client, tmp_path / "store", settings)
    assert run.quarantined == {"http_error": 1, "not_a_pdf": 1}
    quarantine = _quarantine(con, "download")
    code, reason = quarantine["nep_bare"]
    assert code == "http_error" and "404" in reason
    assert (
        "What to do: the catalogue gave only the file name 'cotedivoireplandactions2009.pdf'"
        in (reason)
    )
    assert "searching Planipolis for the title" in reason and "document_url" in reason
    code, reason = quarantine["nep_htm"]
    assert code == "not_a_pdf"
    assert "What to do: the catalogue links a web page (.htm), not a PDF" in reason
    assert "/en/2008/basic-plan-promotion-education-4951" in reason


BASE = "https://planipolis.iiep.unesco.org"
