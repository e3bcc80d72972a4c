"""Serve a folder over HTTP on 127.0.0.1 (a free port), to replay a recorded or demo site.

`with serve_folder(path) as base_url: ...` runs a ThreadingHTTPServer in a thread. Paths map to
files as a static mirror of a site would store them:

- `/a/b` -> `a/b`, or `a/b/index.html` when `a/b` is a folder (no redirect);
- `/a/b?page=1` -> `a/b/index@page=1.html` (or `a/b@page=1`), so pager links replay.

Content-Type is set for .pdf, .html, .csv, .json (and guessed otherwise). Responses carry an
ETag (SHA-256 of the body) and Last-Modified; `If-None-Match` / `If-Modified-Since` get a 304.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}


def resolve(root: Path, raw_path: str) -> Path | None:
    """The file a request path (with optional query) maps to, or None (never outside root)."""
    parts = urlsplit(raw_path)
    relative = unquote(parts.path).lstrip("/")
    base = (root / relative).resolve()
    if base != root and root not in base.parents:
        return None
    candidates = []
    if parts.query:
        query = unquote(parts.query)
        candidates += [base / f"index@{query}.html", base.with_name(f"{base.name}@{query}")]
    else:
        candidates += [base, base / "index.html"]
    for candidate in candidates:
        if candidate.is_file() and (candidate == root or root in candidate.parents):
            return candidate
    return None


def content_type_for(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or (
        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def _handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "lt-static/1"

        def do_HEAD(self) -> None:  # noqa: N802 (http.server naming)
            self._serve(send_body=False)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(send_body=True)

        def _serve(self, send_body: bool) -> None:
            path = resolve(root, self.path)
            if path is None:
                self.send_error(HTTPStatus.NOT_FOUND, "not in the served folder")
                return
            body = path.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            mtime = int(path.stat().st_mtime)
            if self._not_modified(etag, mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type_for(path))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _not_modified(self, etag: str, mtime: int) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:
                return etag in [t.strip() for t in if_none_match.split(",")] or (
                    if_none_match.strip() == "*"
                )
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return mtime <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (quiet)
            pass

    return Handler


@contextmanager
def serve_folder(folder: Path | str, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `folder` until the block ends; yields the base URL (no trailing slash)."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a folder to serve")
    server = ThreadingHTTPServer((host, 0), _handler(root))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="static-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
