"""The bundled demo (sample_data/sector_plans): real shapes, reproducible, replayable offline."""

from __future__ import annotations

import csv
import filecmp

import duckdb

from sources.http_client import HttpConfig, PoliteClient
from sources.sector_plans.catalogue import load_catalogue_export, load_catalogue_records
from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.documents import download_and_extract
from sources.sector_plans.scraper import scrape_catalogue
from sources.static_server import serve_folder

from .conftest import SAMPLE_DIR, SITE_DIR, sample_generator

EXPORT = SAMPLE_DIR / "planipolis_catalogue_export.csv"


def test_export_has_the_real_columns_and_required_countries(real_catalogue):
    with real_catalogue.open(encoding="utf-8") as real, EXPORT.open(encoding="utf-8") as demo:
        real_header = next(csv.reader(real))
        rows = list(csv.DictReader(demo))
    assert list(rows[0].keys()) == real_header
    assert 5 <= len(rows) <= 8
    assert {"Ghana", "Kenya", "Nepal"} <= {r["country"] for r in rows}
    assert all(p.stat().st_size < 20_000 for p in SITE_DIR.rglob("*.pdf"))


def test_generator_reproduces_the_committed_files(tmp_path):
    sample_generator().build(tmp_path)
    comparison = filecmp.dircmp(SITE_DIR, tmp_path / "site")
    assert filecmp.cmp(EXPORT, tmp_path / EXPORT.name, shallow=False)

    def differences(cmp):
        found = cmp.diff_files + cmp.left_only + cmp.right_only
        for sub in cmp.subdirs.values():
            found += differences(sub)
        return found

    assert differences(comparison) == []


def test_demo_site_replays_through_the_real_client(tmp_path):
    con = duckdb.connect()
    with serve_folder(SITE_DIR) as base:
        settings = PlanipolisSettings(base_url=base)
        client = PoliteClient(config=HttpConfig(min_interval_seconds=0))
        scraped = scrape_catalogue(client, settings)
        listed = load_catalogue_records(
            con, scraped.records, source=settings.listing_url, base_url=base
        )
        exported = load_catalogue_export(con, EXPORT, base_url=base)
        run = download_and_extract(con, client, tmp_path / "store", settings)
    assert (listed.rows_loaded, listed.rows_quarantined) == (8, 0)
    assert (exported.rows_loaded, exported.rows_quarantined) == (8, 0)
    assert run.quarantined == {"truncated": 2}  # once per catalogue path
    assert run.downloaded == 7  # each distinct document fetched once
    themes = con.execute(
        """SELECT count(DISTINCT doc_id) FROM raw.sector_plan_pages
        WHERE regexp_matches(text, '(?i)learning communit|communauté d.apprentissage|'
            || 'comunidades de aprendizaje|comunidade de aprendizagem')"""
    ).fetchone()[0]
    assert themes >= 6
