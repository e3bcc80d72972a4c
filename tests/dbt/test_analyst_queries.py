"""Every query of docs/analyst_queries.md runs on the demo warehouse (built once for tests/dbt)
and returns sensible rows in the order the document claims."""

from __future__ import annotations

import re

import pytest

from tests.sources.literature.helpers import REPO_ROOT

DOC = REPO_ROOT / "docs" / "analyst_queries.md"


def analyst_queries() -> dict[str, str]:
    """The ```sql blocks of the document, by the name in their first line (-- name)."""
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return {re.match(r"-- (\w+)", block).group(1): block for block in blocks}


def run(con, name: str) -> list[dict]:
    cursor = con.execute(analyst_queries()[name])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_the_document_has_the_three_queries():
    assert set(analyst_queries()) == {
        "themes_by_year",
        "evidence_countries",
        "most_cited_within_set",
    }


def test_themes_by_year_lists_every_year_of_each_theme_fastest_growing_first(demo):
    rows = run(demo, "themes_by_year")
    assert rows
    years = sorted(
        {
            year
            for (year,) in demo.execute(
                "SELECT DISTINCT publication_year FROM marts.dim_publication "
                "WHERE publication_year IS NOT NULL"
            ).fetchall()
        }
    )
    themes: dict[tuple, list[dict]] = {}
    for row in rows:
        themes.setdefault((row["concept_type"], row["concept_code"]), []).append(row)
    (expected_themes,) = demo.execute(
        "SELECT count(DISTINCT (concept_type, concept_code)) FROM marts.fct_publication_theme"
    ).fetchone()
    assert len(themes) == expected_themes
    trends = []
    for theme_rows in themes.values():
        assert [r["publication_year"] for r in theme_rows] == years  # years in order, zeros kept
        assert sum(r["publications_with_theme"] for r in theme_rows) > 0
        assert all(0 <= r["share_of_year"] <= 1 for r in theme_rows)
        trends.append(theme_rows[0]["share_trend_per_year"])
    assert trends == sorted(trends, reverse=True)
    # each theme's rows are contiguous: one block of rows per theme
    keys = [(r["concept_type"], r["concept_code"]) for r in rows]
    blocks = [key for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]
    assert len(blocks) == len(themes)


def test_evidence_countries_most_publications_first(demo):
    rows = run(demo, "evidence_countries")
    assert rows
    counts = [r["publications"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    top = rows[0]
    assert (top["country_code"], top["country_name"]) == ("GBR", "United Kingdom")
    assert {"GHA", "ZAF", "USA"} <= {r["country_code"] for r in rows}
    for row in rows:
        assert 0 < row["share_of_located_publications"] <= 1
        assert 0 <= row["publications_with_partnership_evidence"] <= row["publications"]
        assert 1 <= len(row["top_themes"]) <= 3


def test_most_cited_within_set_counts_citations_between_our_publications(demo):
    rows = run(demo, "most_cited_within_set")
    assert rows
    cited = [r["cited_within_set"] for r in rows]
    assert cited == sorted(cited, reverse=True)
    (most,) = demo.execute(
        """SELECT count(*) FROM marts.fct_citation GROUP BY cited_publication_sk
           ORDER BY 1 DESC LIMIT 1"""
    ).fetchone()
    assert rows[0]["cited_within_set"] == most
    assert rows[0]["title"].startswith("Professional learning communities and teacher outcomes")
    assert len(rows[0]["cited_by_titles"]) == most


@pytest.mark.parametrize("name", ["themes_by_year", "evidence_countries", "most_cited_within_set"])
def test_queries_use_only_the_marts(name):
    tables = set(re.findall(r"\b(?:from|join)\s+([\w.]+)", analyst_queries()[name], re.I))
    ctes = set(re.findall(r"(\w+) as \(", analyst_queries()[name]))
    assert {t for t in tables - ctes if "." in t} and all(
        t.startswith("marts.") for t in tables - ctes
    ), tables - ctes
