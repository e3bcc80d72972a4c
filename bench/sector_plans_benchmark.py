"""Benchmark: sector-plan connector throughput. Prints figures and writes
bench/results/sector_plans.json.

- PDF text extraction, pages/s: pypdfium2 (used) against pypdf (the pure-Python alternative),
  on a generated plan of `--pages` dense text pages in four languages.
- Catalogue load of the genuine 896-row Planipolis list (LT_SHARED_DATA_DIR), rows/s.
- The demo site replayed through the static server and the polite client (no pacing):
  scrape + download + extract, seconds.

Run: `.venv/bin/python bench/sector_plans_benchmark.py [--pages 300]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import duckdb

from sources.http_client import HttpConfig, PoliteClient
from sources.sector_plans.catalogue import load_catalogue_export, load_catalogue_records
from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.documents import download_and_extract
from sources.sector_plans.pdf_text import extract_pages
from sources.sector_plans.scraper import mark_listing_processed, scrape_catalogue
from sources.static_server import serve_folder

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "sector_plans"


def _generator():
    spec = importlib.util.spec_from_file_location("gen", SAMPLE / "generate_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_extraction(pages: int) -> dict:
    gen = _generator()
    texts = [
        gen.TEXT[lang][i % len(gen.TEXT[lang])]
        for lang in ("en", "fr", "es", "pt")
        for i in range(3)
    ]
    body = [(texts[i % len(texts)] + "\n\n") * 3 for i in range(pages)]
    pdf = gen.text_pdf(body)
    start = time.perf_counter()
    extracted = extract_pages(pdf)
    pdfium_seconds = time.perf_counter() - start
    chars = sum(p.char_count for p in extracted)
    result = {
        "pages": pages,
        "pdf_bytes": len(pdf),
        "chars": chars,
        "pypdfium2_seconds": round(pdfium_seconds, 3),
        "pypdfium2_pages_per_s": round(pages / pdfium_seconds, 1),
    }
    try:
        from pypdf import PdfReader
    except ImportError:  # dev dependency only
        return result
    start = time.perf_counter()
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        page.extract_text()
    pypdf_seconds = time.perf_counter() - start
    result.update(
        pypdf_seconds=round(pypdf_seconds, 3),
        pypdf_pages_per_s=round(pages / pypdf_seconds, 1),
        speedup=round(pypdf_seconds / pdfium_seconds, 1),
    )
    return result


def bench_catalogue() -> dict:
    shared = Path(os.environ.get("LT_SHARED_DATA_DIR") or REPO.parent / "shared" / "data")
    path = shared / "planipolis" / "cgd_sector_plan_metadata.csv"
    if not path.is_file():
        return {"skipped": f"{path} not found"}
    con = duckdb.connect()
    start = time.perf_counter()
    load = load_catalogue_export(con, path, base_url="https://planipolis.iiep.unesco.org")
    seconds = time.perf_counter() - start
    return {
        "rows": load.rows_read,
        "loaded": load.rows_loaded,
        "quarantined": load.rows_quarantined,
        "by_reason": load.quarantined_by_reason,
        "seconds": round(seconds, 3),
        "rows_per_s": round(load.rows_read / seconds, 1),
    }


def bench_demo_replay() -> dict:
    con = duckdb.connect()
    with serve_folder(SAMPLE / "site") as base, tempfile.TemporaryDirectory() as store:
        settings = PlanipolisSettings(base_url=base)
        client = PoliteClient(config=HttpConfig(min_interval_seconds=0))
        start = time.perf_counter()
        scraped = scrape_catalogue(client, settings)
        load_catalogue_records(con, scraped.records, source=settings.listing_url, base_url=base)
        run = download_and_extract(con, client, store, settings)
        mark_listing_processed(client, settings, scraped)
        seconds = time.perf_counter() - start
        again_start = time.perf_counter()
        unchanged = scrape_catalogue(client, settings).unchanged
        again = time.perf_counter() - again_start
    return {
        "documents": run.documents,
        "pages": run.pages,
        "seconds": round(seconds, 3),
        "unchanged_listing_seconds": round(again, 4),
        "unchanged_listing_detected": unchanged,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "pdf_extraction": bench_extraction(args.pages),
        "catalogue_load": bench_catalogue(),
        "demo_replay": bench_demo_replay(),
    }
    print(json.dumps(results, indent=2))
    out = REPO / "bench" / "results" / "sector_plans.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
