"""The report pictures drawn from mart-shaped frames: PNG and SVG written, every indicator a
panel with the country and both medians, every concept a column, and an offline index."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from pipelines.reports import charts, html_index

INDICATORS = pd.DataFrame(
    {
        "indicator_code": ["SE.PRM.ENRL.TC.ZS", "SE.PRM.TCAQ.ZS", "SE.PRM.TCHR"],
        "short_label": [
            "Pupil-teacher ratio (primary)",
            "Trained teachers % (primary)",
            "Primary teachers",
        ],
        "unit": ["ratio", "percent", "count"],
    }
)
CONCEPTS = pd.DataFrame(
    {
        "concept_type": ["team_kind", "actor", "actor", "partnership_component"],
        "concept_code": ["within_school", "teachers", "parents", "vision"],
        "concept_label": ["Within schools", "Teachers", "Parents", "Vision"],
    }
)


@pytest.fixture
def out(tmp_path):
    """Where the pictures go: LT_TEST_PICTURES_DIR keeps them to look at, else a temp folder."""
    keep = os.environ.get("LT_TEST_PICTURES_DIR")
    return Path(keep) if keep else tmp_path


def trends(country="GHA", start=2010, years=12):
    rows = []
    for code, base in (
        ("SE.PRM.ENRL.TC.ZS", 30.0),
        ("SE.PRM.TCAQ.ZS", 60.0),
        ("SE.PRM.TCHR", 140000.0),
    ):
        for i in range(years):
            rows.append(
                {
                    "country_code": country,
                    "indicator_code": code,
                    "year": start + i,
                    "value": base * (1 + 0.03 * i),
                    "region_median": base * 1.1,
                    "income_group_median": base * (0.9 + 0.01 * i),
                    "region_country_count": 5,
                    "income_group_country_count": 2 if i < 3 else 4,
                }
            )
    return pd.DataFrame(rows)


def test_trends_draw_each_indicator_with_both_medians(out):
    data = trends()
    data = data[~(data.indicator_code == "SE.PRM.TCHR")]  # one indicator without data
    figure = charts.indicator_trends(
        "Ghana", "Sub-Saharan Africa · Lower middle income", data, INDICATORS
    )
    axes = [ax for ax in figure.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in axes] == INDICATORS.short_label.tolist()
    assert [len(ax.lines) for ax in axes] == [3, 3, 0]
    assert "no data" in [t.get_text() for t in axes[2].texts]
    assert all(ax.get_ylim()[0] == 0 for ax in axes[:2])
    assert axes[1].get_ylim() == (0, 100)  # a percentage
    income = axes[0].lines[2].get_ydata()  # the years with fewer than 3 countries are gaps
    assert pd.isna(income[:3]).all() and pd.notna(income[3:]).all()
    picture = charts.save(figure, out / "indicator_trends_GHA")
    assert picture.png.stat().st_size > 10_000 and picture.svg.read_text().startswith("<?xml")
    with (
        Image.open(picture.png) as png,
        Image.open(io.BytesIO(charts.preview_png(picture.png))) as small,
    ):
        scale = charts.PREVIEW_DPI / charts.PNG_DPI  # the UI preview: the PNG scaled down
        assert small.size == (round(png.width * scale), round(png.height * scale))


def test_heatmap_has_a_column_per_concept_and_a_row_per_country(out):
    evidence = pd.DataFrame(
        {
            "country_name": ["Ghana", "Ghana", "Ghana", "Kenya"],
            "concept_type": ["actor", "actor", "actor", "team_kind"],
            "concept_code": ["teachers", "teachers", "teachers", "within_school"],
            "evidence_kind": ["plan", "literature", "programme", "programme"],
        }
    )
    figure = charts.evidence_heatmap(evidence, CONCEPTS)
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["Within schools", "Teachers", "Parents", "Vision"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Ghana", "Kenya"]
    assert {t.get_text() for t in ax.texts} >= {"PLR", "R"}
    charts.save(figure, out / "evidence_map")


def test_profile_page_draws_with_and_without_data(out):
    profile = pd.Series(
        {
            "country_name": "Ghana",
            "region": "Sub-Saharan Africa",
            "income_group": "Lower middle income",
            "programme_count": 3,
            "within_school_programmes": 0,
            "school_community_programmes": 1,
            "cross_sector_programmes": 2,
            "publication_count": 4,
        }
    )
    plans = pd.DataFrame(
        {
            "title": ["Education Strategic Plan 2018-2030"],
            "period_label": ["2018-2030"],
            "period_start_year": [2018],
            "load_status": ["loaded"],
        }
    )
    evidence = pd.DataFrame(
        {
            "concept_type": ["actor", "actor"],
            "concept_code": ["teachers", "teachers"],
            "concept_label": ["Teachers", "Teachers"],
            "evidence_kind": ["plan", "literature"],
        }
    )
    rows = [("Pupil-teacher ratio (primary)", "27.5", "2022"), ("Primary teachers", "–", "–")]
    figure = charts.profile_page(profile, rows, plans, evidence)
    texts = " ".join(t.get_text() for t in figure.texts) + " ".join(
        t.get_text() for ax in figure.axes for t in ax.texts
    )
    assert "Ghana" in texts and "Teachers" in texts
    assert "2018-2030 2018-2030" not in texts  # the period is not repeated
    charts.save(figure, out / "country_profile_GHA")
    empty = charts.profile_page(profile, [], plans.head(0), evidence.head(0))
    charts.save(empty, out / "country_profile_empty")


def test_index_links_every_picture_and_export_relatively(tmp_path):
    charts.save(
        charts.evidence_heatmap(
            pd.DataFrame(columns=["country_name", "concept_type", "concept_code", "evidence_kind"]),
            CONCEPTS,
        ),
        tmp_path / "evidence_map",
    )
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "country_profiles.csv").write_text("a\n")
    page = html_index.write_index(tmp_path).read_text()
    links = re.findall(r"(?:href|src)='([^']+)'", page)
    assert set(links) == {"evidence_map.svg", "evidence_map.png", "exports/country_profiles.csv"}
    assert "http" not in page  # nothing to fetch: works offline
