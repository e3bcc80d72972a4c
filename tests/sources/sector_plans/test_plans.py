"""One plan loaded write-audit-publish (`load_plan`), against pytest-httpserver serving the demo
site: plan keys, the audit gate, partial publication with quarantine, re-runs."""

from __future__ import annotations

import pandas as pd
from werkzeug import Response

from sources.sector_plans.catalogue import load_catalogue_export
from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.plans import (
    FAILED,
    FAILED_AUDIT,
    LOADED,
    PARTIALLY_LOADED,
    PlanAudit,
    focus_countries,
    list_plans,
    load_plan,
)

from .conftest import SAMPLE_DIR, serve_site

EXPORT = SAMPLE_DIR / "planipolis_catalogue_export.csv"
NEPAL = "NPL/school-education-sector-plan-202223-203132-7469"
MOZAMBIQUE = "MOZ/plano-estrategico-da-educacao-2020-2029"
NEPALI_PDF = (
    "/sites/default/files/ressources/nepal_school_education_sector_plan_2022-2032_nepali.pdf"
)


def _setup(con, httpserver, overrides=None):
    base = serve_site(httpserver, overrides=overrides)
    load_catalogue_export(con, EXPORT, base_url=base)
    return PlanipolisSettings(base_url=base, not_pdf_retries=0)


def _count(con, table):
    return con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0]


def test_plan_keys_are_readable_and_filtered_by_country(con, httpserver):
    _setup(con, httpserver)
    plans = list_plans(con)
    assert NEPAL in plans and plans[NEPAL]["documents"] == 2  # two language versions
    assert "SEN/senegal_paquet_ef_2018-2030" in plans  # no page URL: the file name stands in
    assert set(list_plans(con, ["GHA", "NPL"])) == {
        "GHA/education-strategic-plan-2018-2030-6512",
        NEPAL,
    }


def test_default_focus_countries_include_the_seed_countries():
    assert {"GHA", "KEN", "NPL"} <= set(focus_countries())


def test_a_plan_is_audited_then_published_in_one_go(con, client, httpserver, tmp_path):
    settings = _setup(con, httpserver)
    audited: list[pd.DataFrame] = []

    def audit(df):
        audited.append(df)
        return PlanAudit(True, "audit", "ok")

    result = load_plan(con, client, tmp_path, NEPAL, settings, audit=audit)
    assert result.status == LOADED and sorted(result.published) == sorted(result.doc_ids)
    assert len(audited[0]) == _count(con, "sector_plan_pages") == result.run.pages == 5
    again = load_plan(con, client, tmp_path, NEPAL, settings, audit=audit)
    assert again.status == LOADED and _count(con, "sector_plan_pages") == 5  # idempotent


def test_a_failed_audit_publishes_nothing(con, client, httpserver, tmp_path):
    settings = _setup(con, httpserver)
    result = load_plan(
        con,
        client,
        tmp_path,
        NEPAL,
        settings,
        audit=lambda df: PlanAudit(False, "ge_raw_sector_plan_pages", "1 expectation failed"),
    )
    assert result.status == FAILED_AUDIT
    assert NEPAL in result.summary() and "nothing published" in result.summary()
    assert _count(con, "sector_plan_pages") == _count(con, "sector_plan_files") == 0


def test_a_bad_document_is_quarantined_and_the_good_one_published(
    con, client, httpserver, tmp_path
):
    challenge = Response(b"<html>bot check</html>", content_type="text/html")
    settings = _setup(con, httpserver, overrides={NEPALI_PDF: challenge})
    result = load_plan(con, client, tmp_path, NEPAL, settings)
    assert result.status == PARTIALLY_LOADED
    assert len(result.published) == 1 and "not_a_pdf" in result.summary()
    assert _count(con, "sector_plan_files") == 1
    (reason,) = con.execute(
        "SELECT reason FROM raw.sector_plans_quarantine WHERE stage = 'download'"
    ).fetchone()
    assert "nep_demo0004np" in reason and "not_a_pdf" in reason


def test_a_plan_with_no_usable_document_fails_with_its_reason(con, client, httpserver, tmp_path):
    settings = _setup(con, httpserver)
    result = load_plan(con, client, tmp_path, MOZAMBIQUE, settings)
    assert result.status == FAILED and result.published == []
    assert "truncated" in result.summary() and MOZAMBIQUE in result.summary()
    assert _count(con, "sector_plans_quarantine WHERE stage = 'extract'") == 1
