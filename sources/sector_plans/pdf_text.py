"""Text of a PDF, page by page, with pypdfium2 (PDFium).

A page with no extractable text (a scanned image) is kept with `has_text = False`. A document
that cannot be read raises `PdfProblem` with a quarantine reason code: `not_a_pdf`, `truncated`,
`encrypted`, `broken_pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PageText:
    page_no: int  # 1-based
    text: str
    has_text: bool
    char_count: int


class PdfProblem(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_pdf_bytes(data: bytes) -> None:
    """Cheap checks before parsing: the magic header and the end-of-file marker."""
    if not data.startswith(PDF_MAGIC):
        head = data[:40].decode("latin-1", "replace").replace("\n", " ")
        raise PdfProblem("not_a_pdf", f"the content does not start with %PDF- (starts {head!r})")
    if b"%%EOF" not in data[-2048:]:
        raise PdfProblem(
            "truncated", f"no %%EOF marker at the end of {len(data)} bytes: the file is truncated"
        )


def extract_pages(data: bytes) -> list[PageText]:
    """Every page's text; raises PdfProblem when the document cannot be read."""
    check_pdf_bytes(data)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise PdfProblem("encrypted", f"the PDF is encrypted ({exc})") from None
        raise PdfProblem("broken_pdf", f"PDFium cannot open the PDF ({exc})") from None
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                text_page = page.get_textpage()
                text = text_page.get_text_range().replace("\r\n", "\n").replace("\x00", "")
                text_page.close()
            except pdfium.PdfiumError as exc:
                raise PdfProblem("broken_pdf", f"page {index + 1} cannot be read ({exc})") from None
            finally:
                page.close()
            stripped = text.strip()
            pages.append(PageText(index + 1, text, bool(stripped), len(stripped)))
    finally:
        document.close()
    if not pages:
        raise PdfProblem("broken_pdf", "the PDF has no pages")
    return pages
