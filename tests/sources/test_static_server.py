"""The folder server used to replay the demo site through the real HTTP client."""

from __future__ import annotations

import requests

from sources.http_client import HttpConfig, PoliteClient
from sources.static_server import resolve, serve_folder


def _site(tmp_path):
    (tmp_path / "en" / "2018" / "plan").mkdir(parents=True)
    (tmp_path / "en" / "2018" / "plan" / "index.html").write_text("<h1>plan</h1>")
    (tmp_path / "list").mkdir()
    (tmp_path / "list" / "index.html").write_text("page 0")
    (tmp_path / "list" / "index@page=1.html").write_text("page 1")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "data.json").write_text("{}")
    return tmp_path


def test_content_types_and_paths(tmp_path):
    with serve_folder(_site(tmp_path)) as base:
        assert base.startswith("http://127.0.0.1:")
        expected = {
            "/doc.pdf": "application/pdf",
            "/data.csv": "text/csv; charset=utf-8",
            "/data.json": "application/json",
            "/en/2018/plan": "text/html; charset=utf-8",
        }
        for path, content_type in expected.items():
            response = requests.get(base + path, timeout=5)
            assert response.status_code == 200, path
            assert response.headers["Content-Type"] == content_type
        assert requests.get(base + "/list?page=1", timeout=5).text == "page 1"
        assert requests.get(base + "/list", timeout=5).text == "page 0"
        assert requests.get(base + "/missing", timeout=5).status_code == 404
        assert requests.get(base + "/../../etc/passwd", timeout=5).status_code == 404


def test_conditional_requests_get_304(tmp_path):
    with serve_folder(_site(tmp_path)) as base:
        first = requests.get(base + "/doc.pdf", timeout=5)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        by_etag = requests.get(base + "/doc.pdf", headers={"If-None-Match": etag}, timeout=5)
        by_date = requests.get(
            base + "/doc.pdf", headers={"If-Modified-Since": modified}, timeout=5
        )
        stale = requests.get(base + "/doc.pdf", headers={"If-None-Match": '"old"'}, timeout=5)
        assert (by_etag.status_code, by_date.status_code, stale.status_code) == (304, 304, 200)
        client = PoliteClient(config=HttpConfig(min_interval_seconds=0))
        assert client.get(base + "/en/2018/plan", conditional=True).status_code == 200
        assert client.get(base + "/en/2018/plan", conditional=True).status_code == 304


def test_resolve_never_leaves_the_root(tmp_path):
    root = _site(tmp_path).resolve()
    assert resolve(root, "/../outside") is None
    assert resolve(root, "/doc.pdf") == root / "doc.pdf"
