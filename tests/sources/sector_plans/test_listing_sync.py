"""One call: scrape, load records and failed pages, remember the listing only then."""

from __future__ import annotations

from werkzeug import Response

from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.listing_sync import scrape_and_load_catalogue

from .conftest import SITE_DIR, serve_site


def test_scrape_and_load_then_unchanged(con, client, httpserver):
    listing = (SITE_DIR / "en" / "national-education-plans" / "index.html").read_bytes()

    def conditional_listing(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(listing, content_type="text/html", headers={"ETag": '"v1"'})

    gone = "/en/2018/plan-estrategico-del-sector-educacion-2018-2030"
    base = serve_site(
        httpserver,
        overrides={
            "/en/national-education-plans": conditional_listing,
            gone: Response("gone", status=410),
        },
    )
    settings = PlanipolisSettings(base_url=base)
    scrape, load = scrape_and_load_catalogue(con, client, settings)
    assert (load.rows_loaded, load.rows_quarantined) == (7, 0)  # no title period: listed year
    quarantine = con.execute(
        "SELECT stage, reason_codes[1] FROM raw.sector_plans_quarantine ORDER BY 1, 2"
    ).fetchall()
    assert quarantine == [("listing", "http_error")]
    again, nothing = scrape_and_load_catalogue(con, client, settings)
    assert again.unchanged and nothing is None
    assert con.execute("SELECT count(*) FROM raw.sector_plan_documents").fetchone() == (7,)
