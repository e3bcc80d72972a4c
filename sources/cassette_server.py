"""Replay recorded HTTP interactions (go-vcr cassettes: `interactions[].request.url/method`,
`response.body/code/headers`) from a local server on 127.0.0.1, for demos and tests.

A request matches an interaction by method, path and the *set* of query parameters (their order
does not matter; the host is ignored). An unmatched request gets a 404 naming it. The bodies are
served byte for byte, with the recorded status and Content-Type.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml


@dataclass(frozen=True)
class Interaction:
    method: str
    url: str
    status: int
    body: str
    content_type: str


def load_cassette(path: Path | str) -> list[Interaction]:
    """The interactions of a go-vcr YAML cassette, in recorded order."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    interactions = []
    for item in data.get("interactions") or []:
        request, response = item["request"], item["response"]
        headers = response.get("headers") or {}
        content_type = (headers.get("Content-Type") or ["application/json"])[0]
        interactions.append(
            Interaction(
                method=(request.get("method") or "GET").upper(),
                url=request["url"],
                status=int(response.get("code") or 200),
                body=response.get("body") or "",
                content_type=content_type,
            )
        )
    return interactions


def request_key(method: str, url: str) -> tuple[str, str, frozenset]:
    """What a request is matched on: method, unquoted path, the set of query parameters."""
    parts = urlsplit(url)
    query = frozenset(parse_qsl(parts.query, keep_blank_values=True))
    return method.upper(), unquote(parts.path), query


@contextmanager
def serve_cassettes(cassettes: Iterable[Path | str], host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the interactions of `cassettes` until the block ends; yields the base URL."""
    table = {}
    for cassette in cassettes:
        for interaction in load_cassette(cassette):
            table[request_key(interaction.method, interaction.url)] = interaction

    class Handler(BaseHTTPRequestHandler):
        server_version = "lt-cassette/1"

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            found = table.get(request_key("GET", self.path))
            if found is None:
                body = f"no recorded interaction for GET {self.path}".encode()
                self.send_response(404)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
            else:
                body = found.body.encode("utf-8")
                self.send_response(found.status)
                self.send_header("Content-Type", found.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (quiet)
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="cassette-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
