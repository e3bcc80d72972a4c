"""Scraping the listing and plan pages of the demo site fixtures through pytest-httpserver."""

from __future__ import annotations

import pytest
from werkzeug import Response

from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.page_selectors import PageStructureError
from sources.sector_plans.scraper import (
    ScrapeError,
    doc_id_for,
    mark_listing_processed,
    parse_listing_page,
    parse_plan_page,
    scrape_catalogue,
)

from .conftest import SITE_DIR, serve_site

LISTING = SITE_DIR / "en" / "national-education-plans" / "index.html"
NEPAL_PAGE = SITE_DIR / "en" / "2022" / "school-education-sector-plan-202223-203132-7469"


def test_scrape_walks_pager_and_plan_pages(httpserver, client):
    base = serve_site(httpserver)
    result = scrape_catalogue(client, PlanipolisSettings(base_url=base))
    assert not result.unchanged
    assert (result.listing_pages, result.plan_pages, len(result.records)) == (2, 7, 8)
    assert result.failures == []
    nepal = [r for r in result.records if r["country"] == "Nepal"]
    assert [r["languages"] for r in nepal] == ["English,Nepali"] * 2
    assert {r["document_url"].rsplit("/", 1)[1] for r in nepal} == {
        "nepal_school_education_sector_plan_2022-2032_english.pdf",
        "nepal_school_education_sector_plan_2022-2032_nepali.pdf",
    }
    ghana = next(r for r in result.records if r["country"] == "Ghana")
    assert ghana["year"] == "2019" and "/en/2018/" in ghana["planipolis_page_url"]
    assert ghana["doc_id"] == doc_id_for(ghana["document_url"])
    # recorded on the real host whatever port served it, so doc ids do not depend on it
    assert ghana["document_url"].startswith(
        "https://planipolis.iiep.unesco.org/sites/default/files/ressources/"
    )
    assert all(not r["planipolis_page_url"].startswith(base) for r in result.records)


def test_plan_page_parsing_gives_one_record_per_document():
    url = (
        "https://planipolis.iiep.unesco.org/en/2022/school-education-sector-plan-202223-203132-7469"
    )
    records = parse_plan_page((NEPAL_PAGE / "index.html").read_bytes(), url)
    assert len(records) == 2
    assert records[0]["title"] == "School education sector plan 2022/23-2031/32"
    assert records[0]["resource_type"] == "National Education Plans"
    assert records[1]["document_url"] == (
        "https://planipolis.iiep.unesco.org/sites/default/files/ressources/"
        "nepal_school_education_sector_plan_2022-2032_nepali.pdf"
    )


def test_renamed_listing_element_is_a_clear_error(httpserver, client):
    renamed = LISTING.read_text(encoding="utf-8").replace("views-row", "views-item")
    base = serve_site(
        httpserver,
        overrides={"/en/national-education-plans": Response(renamed, content_type="text/html")},
    )
    with pytest.raises(PageStructureError) as info:
        scrape_catalogue(client, PlanipolisSettings(base_url=base))
    message = str(info.value)
    assert f"{base}/en/national-education-plans: the listing rows" in message
    assert "div.view-content div.views-row" in message


def test_renamed_plan_page_element_is_a_failure_naming_page_and_element(httpserver, client):
    page = NEPAL_PAGE / "index.html"
    path = "/en/2022/school-education-sector-plan-202223-203132-7469"
    broken = page.read_text(encoding="utf-8").replace("field--name-field-country", "field-land")
    base = serve_site(httpserver, overrides={path: Response(broken, content_type="text/html")})
    result = scrape_catalogue(client, PlanipolisSettings(base_url=base))
    assert len(result.records) == 6  # the other plans carry on
    [failure] = result.failures
    assert failure.source == base + path
    assert failure.reason_code == "page_structure"
    assert f"{base}{path}: the country field" in failure.reason


def test_every_plan_page_broken_is_an_error_not_an_empty_result(httpserver, client):
    def no_title(request):
        from sources.static_server import resolve

        html = resolve(SITE_DIR.resolve(), request.path).read_text(encoding="utf-8")
        return Response(html.replace("page-title", "title"), content_type="text/html")

    overrides = {
        f"/en/{p.parent.name}/{p.name}": no_title for p in SITE_DIR.glob("en/20*/*") if p.is_dir()
    }
    base = serve_site(httpserver, overrides=overrides)
    with pytest.raises(ScrapeError, match=r"no plan page yielded a document \(7 of 7 .*plan title"):
        scrape_catalogue(client, PlanipolisSettings(base_url=base))


def test_plan_page_http_error_is_a_failure(httpserver, client):
    path = "/en/2018/plan-estrategico-del-sector-educacion-2018-2030"
    base = serve_site(httpserver, overrides={path: Response("gone", status=404)})
    result = scrape_catalogue(client, PlanipolisSettings(base_url=base))
    [failure] = result.failures
    assert failure.reason_code == "http_error" and "HTTP 404" in failure.reason


def test_unchanged_listing_costs_one_conditional_request(httpserver, client):
    listing_html = LISTING.read_bytes()

    def conditional_listing(request):
        if request.headers.get("If-None-Match") == '"listing-v1"':
            return Response(status=304)
        return Response(listing_html, content_type="text/html", headers={"ETag": '"listing-v1"'})

    base = serve_site(httpserver, overrides={"/en/national-education-plans": conditional_listing})
    settings = PlanipolisSettings(base_url=base)
    first = scrape_catalogue(client, settings)
    assert not first.unchanged
    # not yet confirmed as loaded: a second run scrapes everything again
    assert not scrape_catalogue(client, settings).unchanged
    mark_listing_processed(client, settings, first)
    before = len(httpserver.log)
    again = scrape_catalogue(client, settings)
    assert again.unchanged and again.records == []
    assert len(httpserver.log) == before + 1
    assert httpserver.log[-1][1].status_code == 304


def test_listing_parser_reads_next_link():
    links, following = parse_listing_page(
        LISTING.read_bytes(), "http://mirror.test/en/national-education-plans"
    )
    assert len(links) == 4
    assert links[0] == "http://mirror.test/en/2018/education-strategic-plan-2018-2030-6512"
    assert following == "http://mirror.test/en/national-education-plans?page=1"


def test_settings_from_env():
    settings = PlanipolisSettings.from_env(
        {"LT_PLANIPOLIS_BASE_URL": "http://127.0.0.1:8000/", "LT_PLANIPOLIS_LISTING_PATH": "x"}
    )
    assert settings.listing_url == "http://127.0.0.1:8000/x"
    assert PlanipolisSettings.from_env({}).base_url == "https://planipolis.iiep.unesco.org"
