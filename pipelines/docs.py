"""dbt docs that work offline: one self-contained HTML file, optionally served on localhost.

`dbt docs generate --static` writes `static_index.html` with the manifest and catalog inlined and
dbt's own JS/CSS bundled, so it renders opened as a file (the plain `index.html` is blank that
way: it fetches manifest.json and catalog.json, which browsers refuse over file://). The only
external fetch in dbt's page is its usage tracker, loaded only when the manifest says
`send_anonymous_usage_stats: true`; the project turns that off and `generate_docs` checks it.

dbt reads the warehouse for the catalog (column types, row counts), and dbt-duckdb opens its file
read-write. So dbt runs on a private copy: of the live file (`LT_WAREHOUSE_PATH`, with its WAL:
it holds every model, while the published copy holds only marts and reference data), else of
the published warehouse (`LT_PUBLISH_DIR`), never the files themselves.

    python -m pipelines.docs            # writes LT_DBT_DOCS_DIR/static_index.html, prints its path
    python -m pipelines.docs --serve    # ... then serves it on http://127.0.0.1:DOCS_PORT (8080)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, REPO_ROOT, WAREHOUSE_FILE_NAME, Settings

STATIC_FILE_NAME = "static_index.html"

for _variable, _value in (("DO_NOT_TRACK", "1"), ("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")):
    os.environ.setdefault(_variable, _value)


def docs_dir() -> Path:
    """Where the docs are written: LT_DBT_DOCS_DIR, default warehouse/dbt_docs."""
    path = Path(os.environ.get("LT_DBT_DOCS_DIR") or "warehouse/dbt_docs").expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def warehouse_source(settings: Settings) -> Path | None:
    """The DuckDB file dbt's catalog is read from: the live file (every model), else the
    published copy, else None (nothing built yet: the docs then describe the models without
    column types)."""
    if settings.warehouse_path.is_file():
        return settings.warehouse_path
    published = settings.publish_dir / WAREHOUSE_FILE_NAME
    return published if published.is_file() else None


def _copy_warehouse(source: Path | None, folder: Path) -> Path:
    target = folder / WAREHOUSE_FILE_NAME
    if source is not None:
        shutil.copyfile(source, target)
        wal = source.with_name(source.name + ".wal")
        if wal.is_file():  # the live file may have un-checkpointed changes
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def generate_docs(settings: Settings | None = None, output_dir: Path | None = None) -> Path:
    """Run `dbt docs generate --static` on a copy of the warehouse; return static_index.html.

    Raises RuntimeError when dbt fails or the page would load dbt's tracker from the network.
    """
    settings = settings or Settings.from_env()
    output_dir = Path(output_dir) if output_dir is not None else docs_dir()
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lt_dbt_docs_") as tmp:
        warehouse = _copy_warehouse(warehouse_source(settings), Path(tmp))
        env = {
            **os.environ,
            "LT_WAREHOUSE_PATH": str(warehouse),
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        completed = subprocess.run(
            [
                DBT_EXECUTABLE,
                "--quiet",
                "docs",
                "generate",
                "--static",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(output_dir),
                "--log-path",
                str(output_dir / "logs"),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    if completed.returncode != 0:
        raise RuntimeError(
            f"dbt docs generate failed (exit {completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}"
        )
    page = output_dir / STATIC_FILE_NAME
    if not page.is_file():
        raise RuntimeError(f"dbt docs generate did not write {page}")
    if tracking_enabled(page.read_text(encoding="utf-8")):
        raise RuntimeError(
            f"{page} would load dbt's usage tracker from the network: set "
            "send_anonymous_usage_stats: false in dbt_project.yml flags"
        )
    # Served at "/", the self-contained page replaces dbt's fetching index.html.
    shutil.copyfile(page, output_dir / "index.html")
    return page


def tracking_enabled(page_html: str) -> bool:
    """Whether the inlined manifest turns on dbt's tracker (the page's only network fetch)."""
    found = re.findall(r'"send_anonymous_usage_stats":\s*(true|false)', page_html)
    if not found:
        return True  # unknown: assume the worst
    return any(json.loads(v) for v in found)


def make_server(folder: Path, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server for the files in `folder` (port 0: any free port)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    return ThreadingHTTPServer((host, port), handler)


def serve(folder: Path, host: str, port: int) -> None:
    """Serve `folder` over HTTP until interrupted (Ctrl+C)."""
    with make_server(folder, host, port) as httpd:
        print(f"dbt docs at http://{host}:{httpd.server_address[1]}/ (Ctrl+C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            httpd.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.docs", description=__doc__)
    parser.add_argument("--serve", action="store_true", help="serve the docs after building")
    parser.add_argument("--host", default=os.environ.get("DOCS_HOST") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DOCS_PORT") or 8080))
    args = parser.parse_args(argv)
    page = generate_docs()
    print(page, flush=True)
    if args.serve:
        serve(page.parent, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
