"""The reports as Dagster assets (group `reports`), made from the published copy after each
publish: country-profile exports, the evidence-map heatmap, indicator trends and profile pages
per focus country, and an HTML index of them that works offline. Each picture asset shows its
pictures in the UI (Markdown metadata with the PNG embedded) and the paths of its files."""

from __future__ import annotations

import base64
import time

import dagster as dg
import pandas as pd

from . import charts, html_index
from .exports import profile_as_fields, write_csv, write_xlsx
from .resources import ReportsResource

PUBLISHED = dg.AssetKey(["published", "warehouse"])
GROUP = "reports"

FOCUS_SQL = """
    SELECT p.* FROM marts.mart_country_profile AS p
    WHERE p.is_focus_country ORDER BY p.country_name
"""


def _preview(picture: charts.Picture) -> str:
    """Markdown with the picture embedded as a small PNG (the Dagster UI renders it)."""
    png = charts.preview_png(picture.png)
    return f"![preview](data:image/png;base64,{base64.b64encode(png).decode()})"


def _picture_result(items: list[tuple[str, charts.Picture]], started: float):
    """Metadata: every picture as a Markdown preview, its PNG/SVG paths, the render time."""
    metadata = {
        "pictures": len(items),
        "render_seconds": round(time.perf_counter() - started, 2),
    }
    for name, picture in items:
        metadata[f"{name}"] = dg.MetadataValue.md(_preview(picture))
        metadata[f"{name} png"] = dg.MetadataValue.path(str(picture.png))
        metadata[f"{name} svg"] = dg.MetadataValue.path(str(picture.svg))
    return dg.MaterializeResult(metadata=metadata)


def _concepts(con) -> pd.DataFrame:
    """Every codebook concept with its label, as the marts list them (the theme matrix has
    every concept for every focus country), ordered by label within each concept type."""
    return con.sql(
        "SELECT DISTINCT concept_type, concept_code, concept_label"
        " FROM marts.mart_country_theme_matrix ORDER BY concept_label"
    ).df()


def _subtitle(profile) -> str:
    return " · ".join(str(v) for v in (profile.region, profile.income_group) if v)


@dg.asset(
    key=["reports", "country_profile_exports"],
    deps=[PUBLISHED],
    group_name=GROUP,
    kinds={"csv", "xlsx"},
)
def country_profile_exports(reports: ReportsResource) -> dg.MaterializeResult:
    """Every country profile in one CSV and one XLSX, and for each country with anything
    recorded (or a focus country) its own CSV (field, value) and XLSX (profile, evidence,
    indicators). Text that a spreadsheet would run as a formula is neutralised."""
    folder = reports.folder / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    with reports.published() as con:
        profiles = con.sql("SELECT * FROM marts.mart_country_profile ORDER BY country_code").df()
        evidence = con.sql("SELECT * FROM marts.mart_evidence_map ORDER BY ALL").df()
        trends = con.sql("SELECT * FROM marts.mart_indicator_trends ORDER BY ALL").df()
    files = [
        write_csv(profiles, folder / "country_profiles.csv"),
        write_xlsx({"country profiles": profiles}, folder / "country_profiles.xlsx"),
    ]
    recorded = profiles[
        profiles.is_focus_country
        | (profiles.plans_held > 0)
        | (profiles.programme_count > 0)
        | (profiles.publication_count > 0)
    ]
    for profile in recorded.itertuples(index=False):
        code = profile.country_code
        row = recorded[recorded.country_code == code].iloc[0]
        files.append(write_csv(profile_as_fields(row), folder / f"country_profile_{code}.csv"))
        files.append(
            write_xlsx(
                {
                    "profile": profile_as_fields(row),
                    "evidence": evidence[evidence.country_code == code],
                    "indicators": trends[trends.country_code == code],
                },
                folder / f"country_profile_{code}.xlsx",
            )
        )
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(folder)),
            "countries": len(recorded),
            "files": dg.MetadataValue.json(sorted(f.name for f in files)),
        }
    )


@dg.asset(
    key=["reports", "evidence_map_heatmap"],
    deps=[PUBLISHED],
    group_name=GROUP,
    kinds={"matplotlib"},
)
def evidence_map_heatmap(reports: ReportsResource) -> dg.MaterializeResult:
    """Countries × codebook concepts: how many kinds of evidence (plans, literature, programme
    records) speak of each concept in each country."""
    started = time.perf_counter()
    with reports.published() as con:
        evidence = con.sql("SELECT * FROM marts.mart_evidence_map").df()
        concepts = _concepts(con)
    figure = charts.evidence_heatmap(evidence, concepts)
    picture = charts.save(figure, reports.folder / "evidence_map")
    return _picture_result([("evidence map", picture)], started)


@dg.asset(
    key=["reports", "indicator_trend_charts"],
    deps=[PUBLISHED],
    group_name=GROUP,
    kinds={"matplotlib"},
)
def indicator_trend_charts(reports: ReportsResource) -> dg.MaterializeResult:
    """Per focus country: each workforce indicator by year, with the medians of the countries in
    its region and income group."""
    started = time.perf_counter()
    with reports.published() as con:
        focus = con.sql(FOCUS_SQL).df()
        trends = con.sql("SELECT * FROM marts.mart_indicator_trends").df()
        indicators = con.sql(
            "SELECT indicator_code, short_label, unit FROM reference.workforce_indicators"
            " ORDER BY indicator_code"
        ).df()
    items = []
    for profile in focus.itertuples():
        figure = charts.indicator_trends(
            profile.country_name,
            _subtitle(profile),
            trends[trends.country_code == profile.country_code],
            indicators,
        )
        base = reports.folder / f"indicator_trends_{profile.country_code}"
        items.append((f"{profile.country_name} trends", charts.save(figure, base)))
    return _picture_result(items, started)


@dg.asset(
    key=["reports", "country_profile_pages"],
    deps=[PUBLISHED],
    group_name=GROUP,
    kinds={"matplotlib"},
)
def country_profile_pages(reports: ReportsResource) -> dg.MaterializeResult:
    """One page per focus country: latest indicators, plans and their themes, programmes by
    kind, publications, and the concepts spoken of by kind of evidence."""
    started = time.perf_counter()
    with reports.published() as con:
        focus = con.sql(FOCUS_SQL).df()
        evidence = con.sql("SELECT * FROM marts.mart_evidence_map").df()
        plans = con.sql(
            "SELECT unnest(country_codes) AS country_code, title, period_label,"
            " period_start_year, load_status FROM marts.dim_sector_plan"
        ).df()
        indicators = con.sql(
            "SELECT short_label, unit, column_name FROM reference.workforce_indicators"
            " ORDER BY indicator_code"
        ).df()
    items = []
    for row in focus.to_dict("records"):
        profile = pd.Series(row)
        indicator_rows = [
            (
                ind.short_label,
                charts.number_text(profile.get(ind.column_name), ind.unit),
                "–"
                if pd.isna(profile.get(f"{ind.column_name}_year"))
                else str(int(profile.get(f"{ind.column_name}_year"))),
            )
            for ind in indicators.itertuples()
        ]
        code = profile.country_code
        figure = charts.profile_page(
            profile,
            indicator_rows,
            plans[plans.country_code == code],
            evidence[evidence.country_code == code],
        )
        base = reports.folder / f"country_profile_{code}"
        items.append((f"{profile.country_name} profile", charts.save(figure, base)))
    return _picture_result(items, started)


@dg.asset(
    key=["reports", "index"],
    deps=[
        country_profile_exports,
        evidence_map_heatmap,
        indicator_trend_charts,
        country_profile_pages,
    ],
    group_name=GROUP,
    kinds={"html"},
)
def reports_index(reports: ReportsResource) -> dg.MaterializeResult:
    """warehouse/reports/index.html: every picture and export, relative links only, so the
    folder works opened from disk, offline, or copied elsewhere."""
    path = html_index.write_index(reports.folder)
    return dg.MaterializeResult(metadata={"index": dg.MetadataValue.path(str(path))})


report_assets = [
    country_profile_exports,
    evidence_map_heatmap,
    indicator_trend_charts,
    country_profile_pages,
    reports_index,
]
