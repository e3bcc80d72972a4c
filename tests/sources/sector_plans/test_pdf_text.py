"""Page text from generated PDFs: four languages, a scanned page, broken and encrypted files."""

from __future__ import annotations

import pytest

from sources.sector_plans.pdf_text import PdfProblem, extract_pages


def test_multilingual_text_page_by_page(pdfs):
    pages = [f"{lang}: {pdfs.TEXT[lang][0]}" for lang in ("en", "fr", "es", "pt")]
    extracted = extract_pages(pdfs.text_pdf(pages))
    assert [p.page_no for p in extracted] == [1, 2, 3, 4]
    assert all(p.has_text and p.char_count > 200 for p in extracted)
    flat = [" ".join(p.text.split()) for p in extracted]
    assert "professional learning community (PLC)" in flat[0]
    assert "communauté d'apprentissage professionnelle" in flat[1]
    assert "comunidades de aprendizaje docente" in flat[2]
    assert "zonas de influência pedagógica" in flat[3]


def test_scanned_page_is_flagged_not_dropped(pdfs):
    extracted = extract_pages(pdfs.scanned_pdf(page_count=2, text_pages=["Plan 2018-2022"]))
    assert [(p.page_no, p.has_text, p.char_count) for p in extracted] == [
        (1, True, 14),
        (2, False, 0),
        (3, False, 0),
    ]


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda g: g.truncated_pdf(g.text_pdf(["x"])), "truncated", "no %%EOF"),
        (lambda g: g.encrypted_pdf(g.text_pdf(["secret plan"])), "encrypted", "encrypted"),
        (lambda g: b"<!doctype html><title>Checking your browser</title>", "not_a_pdf", "%PDF-"),
        (lambda g: b"%PDF-1.7\nthis is not a PDF body\n%%EOF\n", "broken_pdf", "PDFium"),
    ],
    ids=["truncated", "encrypted", "html", "garbage"],
)
def test_unreadable_documents_raise_with_reason(pdfs, make, code, words):
    with pytest.raises(PdfProblem) as info:
        extract_pages(make(pdfs))
    assert info.value.code == code
    assert words in str(info.value)
