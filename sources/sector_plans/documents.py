"""Download plan documents once into a content-addressed store and land their text by page.

For each catalogue document not yet stored: GET it through the polite client, insist on a PDF
(`Content-Type` and the `%PDF-` header: the site serves a bot challenge or an error page at HTTP
200), fetch again up to `not_pdf_retries` times, then quarantine. A PDF is written once as
`<store>/<sha256>.pdf` and its pages go to `raw.sector_plan_pages`; a truncated, encrypted or
broken PDF is quarantined with its reason and the other documents carry on.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from ..http_client import HttpError, PoliteClient
from .catalogue import RESOURCES_PATH
from .config import DEFAULT_BASE_URL, PlanipolisSettings
from .failures import Failure, insert_failures
from .pdf_text import PdfProblem, check_pdf_bytes, extract_pages
from .raw_schema import (
    DOCUMENTS_TABLE,
    FILES_TABLE,
    PAGES_TABLE,
    QUARANTINE_TABLE,
    ensure_raw_schema,
)

PDF_CONTENT_TYPES = (
    "application/pdf",
    "application/x-pdf",
    "application/octet-stream",
    "binary/octet-stream",
)


class NotAPdf(PdfProblem):
    pass


@dataclass
class DocumentRun:
    documents: int = 0
    downloaded: int = 0
    reused: int = 0
    pages: int = 0
    pages_without_text: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)


def resolve_document_url(url: str, base_url: str) -> str:
    """Point URLs on the default Planipolis host at the configured base (mirror, replay)."""
    parts = urlsplit(url)
    if parts.netloc.lower() == urlsplit(DEFAULT_BASE_URL).netloc:
        rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
        return base_url.rstrip("/") + rest
    return url


def fetch_pdf(client: PoliteClient, url: str, not_pdf_retries: int = 2) -> tuple[bytes, str]:
    """PDF bytes and content type; NotAPdf after `not_pdf_retries` extra tries."""
    problem = ""
    for attempt in range(not_pdf_retries + 1):
        if attempt:
            client.backoff(attempt)
        response = client.get(url)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        data = response.content
        try:
            check_pdf_bytes(data)
        except PdfProblem as exc:
            if exc.code != "not_a_pdf":
                raise
            problem = f"HTTP {response.status_code} with Content-Type {content_type or 'none'}, "
            problem += f"{len(data)} bytes: {exc}"
            continue
        if content_type and content_type not in PDF_CONTENT_TYPES:
            problem = f"Content-Type {content_type} is not a PDF type (body starts %PDF-)"
            continue
        return data, content_type
    raise NotAPdf("not_a_pdf", f"{url}: not a PDF after {not_pdf_retries + 1} tries: {problem}")


def store_pdf(data: bytes, store_dir: Path) -> tuple[str, Path]:
    """Write bytes once as <store>/<sha256>.pdf (atomic); return the hash and the path."""
    digest = hashlib.sha256(data).hexdigest()
    path = Path(store_dir) / f"{digest}.pdf"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    return digest, path


def _pending_documents(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str] | None, refetch: bool
) -> list[tuple[str, str]]:
    where = []
    params: list = []
    if not refetch:
        where.append(f"doc_id NOT IN (SELECT doc_id FROM {FILES_TABLE})")
    if doc_ids is not None:
        where.append("list_contains(?, doc_id)")
        params.append(doc_ids)
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return con.execute(
        f"SELECT doc_id, document_url FROM {DOCUMENTS_TABLE} {clause} ORDER BY doc_id", params
    ).fetchall()


def download_and_extract(
    con: duckdb.DuckDBPyConnection,
    client: PoliteClient,
    store_dir: Path | str,
    settings: PlanipolisSettings | None = None,
    *,
    doc_ids: list[str] | None = None,
    refetch: bool = False,
) -> DocumentRun:
    """Fetch, store and extract every catalogue document not yet in raw.sector_plan_files,
    publishing each document on its own (see `sector_plans.plans.load_plan` for one plan's
    documents audited and published together)."""
    ensure_raw_schema(con)
    settings = settings or PlanipolisSettings.from_env()
    run = DocumentRun()
    fetched: dict[str, tuple[str, Path, str]] = {}
    for doc_id, document_url in _pending_documents(con, doc_ids, refetch):
        run.documents += 1
        start_staging(con)
        outcome = stage_document(
            con, client, store_dir, settings, doc_id, document_url, fetched, run
        )
        con.execute("BEGIN TRANSACTION")
        try:
            if isinstance(outcome, Failure):
                insert_failures(con, [outcome])
            else:
                publish_staged(con)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return run


STAGED_PAGES = "_sector_plan_pages_staged"
STAGED_FILES = "_sector_plan_files_staged"


def start_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Empty temp tables (shaped as raw.sector_plan_pages/_files) for documents to publish."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED_PAGES} AS FROM {PAGES_TABLE} LIMIT 0")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED_FILES} AS FROM {FILES_TABLE} LIMIT 0")


def stage_document(
    con: duckdb.DuckDBPyConnection,
    client: PoliteClient,
    store_dir: Path | str,
    settings: PlanipolisSettings,
    doc_id: str,
    document_url: str,
    fetched: dict[str, tuple[str, Path, str]],
    run: DocumentRun,
) -> Failure | None:
    """Fetch (once per URL in `fetched`), store and extract one document into the staging
    tables; a document that cannot be used comes back as its quarantine `Failure`."""
    url = resolve_document_url(document_url, settings.base_url)
    now = datetime.now(UTC)
    try:
        if url in fetched:
            digest, path, content_type = fetched[url]
            run.reused += 1
        else:
            data, content_type = fetch_pdf(client, url, settings.not_pdf_retries)
            digest, path = store_pdf(data, Path(store_dir))
            fetched[url] = (digest, path, content_type)
            run.downloaded += 1
        pages = extract_pages(path.read_bytes())
    except (HttpError, PdfProblem) as exc:
        code = exc.code if isinstance(exc, PdfProblem) else "http_error"
        stage = "download" if code in {"http_error", "not_a_pdf"} else "extract"
        message = str(exc) if str(exc).startswith(url) else f"{url}: {exc}"
        hint = catalogue_hint(con, doc_id, code)
        run.quarantined[code] = run.quarantined.get(code, 0) + 1
        reason = f"{doc_id}: {code}: {message}" + (f". What to do: {hint}" if hint else "")
        return Failure(stage, url, doc_id, code, reason)
    _stage_pages(con, doc_id, document_url, digest, path, content_type, pages, now)
    run.pages += len(pages)
    run.pages_without_text += sum(not p.has_text for p in pages)
    return None


def catalogue_hint(con: duckdb.DuckDBPyConnection, doc_id: str, code: str) -> str | None:
    """What a person can do about a document that failed, from what the catalogue says of it:
    a URL rebuilt from a bare file name, a link to a web page rather than a PDF, no plan page."""
    row = con.execute(
        f"""SELECT document_url_repaired, document_format, document_file_name, page_url, title
        FROM {DOCUMENTS_TABLE} WHERE doc_id = ?""",
        [doc_id],
    ).fetchone()
    if row is None:
        return None
    repaired, document_format, file_name, page_url, title = row
    where = (
        f"on its plan page {page_url}"
        if page_url
        else f"by searching Planipolis for the title {title!r} (the catalogue gives no plan page)"
    )
    if document_format in {"htm", "html", "php", "aspx"}:
        return (
            f"the catalogue links a web page (.{document_format}), not a PDF; only PDFs are read: "
            f"find a PDF of the plan {where} and put its URL in the catalogue's document_url"
        )
    if repaired and code in {"http_error", "not_a_pdf"}:
        return (
            f"the catalogue gave only the file name {file_name!r}, so the URL was guessed under "
            f"{RESOURCES_PATH}; find the document {where} and put its full URL in the "
            "catalogue's document_url"
        )
    if code == "http_error" and not page_url:
        return f"check the URL, or find the document {where}"
    return None


def _stage_pages(con, doc_id, document_url, digest, path, content_type, pages, now) -> None:
    """Add one document's file row and pages to the staging tables (set-based insert)."""
    with tempfile.TemporaryDirectory() as tmp:
        ndjson = Path(tmp) / "pages.ndjson"
        ndjson.write_text(
            "\n".join(
                json.dumps(
                    {
                        "page_no": p.page_no,
                        "text": p.text,
                        "has_text": p.has_text,
                        "char_count": p.char_count,
                    }
                )
                for p in pages
            )
            + "\n",
            encoding="utf-8",
        )
        con.execute(
            f"""INSERT INTO {STAGED_PAGES}
            SELECT ?, page_no, text, has_text, char_count, ?, ?::TIMESTAMPTZ
            FROM read_json(?, format='newline_delimited', columns={{
                'page_no': 'INTEGER', 'text': 'VARCHAR', 'has_text': 'BOOLEAN',
                'char_count': 'INTEGER'}})""",
            [doc_id, digest, now, str(ndjson)],
        )
    con.execute(
        f"INSERT INTO {STAGED_FILES} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ)",
        [
            doc_id,
            document_url,
            digest,
            path.stat().st_size,
            content_type or None,
            str(path),
            len(pages),
            sum(not p.has_text for p in pages),
            now,
        ],
    )


def publish_staged(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Inside the caller's transaction: replace the staged documents' file rows and pages in raw
    and take them out of the download/extract quarantine. Returns the doc_ids published."""
    doc_ids = [r[0] for r in con.execute(f"SELECT doc_id FROM {STAGED_FILES}").fetchall()]
    con.execute(f"DELETE FROM {PAGES_TABLE} WHERE doc_id IN (SELECT doc_id FROM {STAGED_FILES})")
    con.execute(f"DELETE FROM {FILES_TABLE} WHERE doc_id IN (SELECT doc_id FROM {STAGED_FILES})")
    con.execute(f"INSERT INTO {PAGES_TABLE} FROM {STAGED_PAGES}")
    con.execute(f"INSERT INTO {FILES_TABLE} FROM {STAGED_FILES}")
    con.execute(
        f"""DELETE FROM {QUARANTINE_TABLE} WHERE stage IN ('download', 'extract')
        AND record_ref IN (SELECT doc_id FROM {STAGED_FILES})"""
    )
    return doc_ids
