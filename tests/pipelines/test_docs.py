"""dbt docs for offline use: one self-contained page built from a copy of the published
warehouse, served on localhost."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import threading
import urllib.request

import duckdb
import pytest

from pipelines import docs
from tests.expectations.sample_warehouse import create_sample_warehouse
from tests.html_resources import scan

pytestmark = pytest.mark.heavy

# What dbt's bundled JS assigns to src/href with another host, and why it is not fetched.
KNOWN_SCRIPT_URLS = {
    "//d1fc8wv8zag5ca.cloudfront.net/2.9.0/sp.js",  # usage tracker: only when tracking is on
    "http://[::1]",  # AngularJS probes URL parsing with an <a> element; nothing is requested
}


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Docs generated from a published warehouse holding the sample marts tables."""
    from pipelines.settings import Settings

    root = tmp_path_factory.mktemp("docs")
    settings = dataclasses.replace(  # every other setting as configured: docs read none
        Settings.from_env(),
        warehouse_path=root / "live" / "learning_teams.duckdb",  # absent: never read
        landing_dir=root / "landing",
        archive_dir=root / "archive",
        publish_dir=root / "published",
        builds_dir=root / "builds",
        literature_raw_dir=root / "literature",
        log_dir=root / "logs",
    )
    settings.publish_dir.mkdir()
    published = settings.publish_dir / "learning_teams.duckdb"
    with duckdb.connect(str(published)) as con:
        create_sample_warehouse(con)
    before = _digest(published)
    page = docs.generate_docs(settings, root / "out")
    return page, published, before


def test_static_page_has_manifest_and_catalog_inline(built):
    page, _, _ = built
    assert page.name == "static_index.html"
    assert (page.parent / "index.html").read_bytes() == page.read_bytes()
    text = page.read_text(encoding="utf-8")
    assert "MANIFEST.JSON INLINE DATA" not in text
    assert "CATALOG.JSON INLINE DATA" not in text
    assert '"model.learning_teams.dim_programme"' in text
    # The catalog came from the published copy: column types of the marts table are known.
    catalog = json.loads((page.parent / "catalog.json").read_text(encoding="utf-8"))
    columns = catalog["nodes"]["model.learning_teams.dim_programme"]["columns"]
    assert columns["programme_sk"]["type"] == "VARCHAR"


def test_static_page_fetches_nothing_from_the_network(built):
    text = built[0].read_text(encoding="utf-8")
    external, tags = scan(text)
    assert external == []  # no <link>, <script src>, <img> ... to another host
    assert "script" in tags  # dbt's app is inlined
    script_urls = set(re.findall(r"""\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']*)""", text))
    assert script_urls <= KNOWN_SCRIPT_URLS
    assert not docs.tracking_enabled(text)


def test_published_and_live_files_are_left_alone(built):
    _, published, before = built
    assert _digest(published) == before
    assert not published.with_name(published.name + ".wal").exists()
    assert not (published.parent.parent / "live").exists()


def test_tracking_flag_is_read_from_the_inlined_manifest():
    assert not docs.tracking_enabled('{"metadata": {"send_anonymous_usage_stats": false}}')
    assert docs.tracking_enabled('{"metadata": {"send_anonymous_usage_stats": true}}')
    assert docs.tracking_enabled("<html>no manifest</html>")


def test_served_on_localhost(built):
    folder = built[0].parent
    server = docs.make_server(folder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == built[0].read_bytes()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_generation_without_any_warehouse(tmp_path, settings):
    """Before the first run there is nothing to copy: models are documented, types unknown."""
    shutil.rmtree(settings.warehouse_path.parent, ignore_errors=True)
    page = docs.generate_docs(settings, tmp_path / "out")
    assert '"model.learning_teams.fct_country_summary"' in page.read_text(encoding="utf-8")
    assert not settings.warehouse_path.exists()
