"""The report pictures, drawn with matplotlib (no browser or JavaScript runtime, works offline,
print-quality PNG and SVG): the evidence-map heatmap, indicator trends per country, and a
country-profile page. Each function takes DataFrames read from the marts and returns a Figure;
`save` writes it as PNG and SVG."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

KIND_LETTERS = {"plan": "P", "literature": "L", "programme": "R"}
KIND_COLOURS = ["#f4f4f4", "#c6dbef", "#6baed6", "#08519c"]  # 0..3 kinds of evidence
CONCEPT_TYPE_ORDER = ["team_kind", "collaboration_model", "actor", "partnership_component"]
CONCEPT_TYPE_LABELS = {
    "team_kind": "Team kinds",
    "collaboration_model": "Collaboration models",
    "actor": "Actors",
    "partnership_component": "Partnership components",
}
PNG_DPI = 150
PREVIEW_DPI = 60  # the UI preview: the PNG scaled down, not drawn again
MIN_MEDIAN_COUNTRIES = 3  # trend charts draw a median only over at least this many countries


@dataclass(frozen=True)
class Picture:
    png: Path
    svg: Path


def save(figure: Figure, base: Path) -> Picture:
    """Write base.png and base.svg (each written then renamed, so a reader never sees half).

    The figure's layout is solved once, then kept: each format is one drawing, not one plus
    a layout pass (a page of eight panels takes ~0.4 s to draw)."""
    base.parent.mkdir(parents=True, exist_ok=True)
    figure.draw_without_rendering()
    figure.set_layout_engine("none")
    paths = []
    for suffix, options in ((".png", {"dpi": PNG_DPI}), (".svg", {})):
        path = base.with_suffix(suffix)
        tmp = path.with_name(f".{path.name}.tmp")
        figure.savefig(tmp, format=suffix[1:], bbox_inches="tight", **options)
        tmp.replace(path)
        paths.append(path)
    return Picture(*paths)


def preview_png(png: Path) -> bytes:
    """The PNG `save` wrote, scaled from PNG_DPI to PREVIEW_DPI."""
    scale = PREVIEW_DPI / PNG_DPI
    with Image.open(png) as image:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        small = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="png")
    return buffer.getvalue()


def evidence_heatmap(
    evidence: pd.DataFrame, concepts: pd.DataFrame, max_countries: int = 40
) -> Figure:
    """Countries (rows) × codebook concepts (columns, grouped by type): the colour says how many
    kinds of evidence speak of the concept there, the letters which (P plan, L literature,
    R programme record).

    evidence: mart_evidence_map rows (country_name, concept_type, concept_code, evidence_kind);
    concepts: every concept (concept_type, concept_code, concept_label), in codebook order."""
    concepts = concepts.assign(
        order=concepts.concept_type.map(CONCEPT_TYPE_ORDER.index)
    ).sort_values("order", kind="stable")
    columns = list(zip(concepts.concept_type, concepts.concept_code, strict=True))
    if evidence.empty:
        figure = Figure(figsize=(8, 1.5))
        figure.text(0.5, 0.5, "Evidence map: no evidence yet", ha="center", va="center")
        return figure
    ranked = evidence.groupby("country_name").size().sort_values(ascending=False, kind="stable")
    countries = sorted(ranked.index[:max_countries])
    shown = (
        ""
        if len(ranked) <= max_countries
        else f" ({max_countries} of {len(ranked)} countries, most evidence)"
    )
    letters = {
        (row.country_name, row.concept_type, row.concept_code): row.kinds
        for row in evidence.groupby(["country_name", "concept_type", "concept_code"])
        .evidence_kind.agg(
            lambda kinds: "".join(KIND_LETTERS[k] for k in KIND_LETTERS if k in set(kinds))
        )
        .rename("kinds")
        .reset_index()
        .itertuples()
    }
    grid = np.array(
        [[len(letters.get((c, *concept), "")) for concept in columns] for c in countries]
    ).reshape(len(countries), len(columns))
    height = 2.6 + 0.42 * max(len(countries), 1)
    figure = Figure(figsize=(max(12, 0.34 * len(columns) + 3), height), layout="constrained")
    ax = figure.add_subplot()
    ax.imshow(grid, cmap=ListedColormap(KIND_COLOURS), vmin=-0.5, vmax=3.5, aspect="auto")
    for i, country in enumerate(countries):
        for j, concept in enumerate(columns):
            text = letters.get((country, *concept))
            if text:
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if len(text) >= 2 else "#08306b",
                )
    ax.set_yticks(range(len(countries)), countries, fontsize=9)
    ax.set_xticks(
        range(len(columns)),
        concepts.concept_label,
        rotation=60,
        ha="right",
        rotation_mode="anchor",
        fontsize=8,
    )
    ax.set_xticks(np.arange(-0.5, len(columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(countries)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    # concept-type bands above the grid
    start = 0
    for concept_type in CONCEPT_TYPE_ORDER:
        width = int((concepts.concept_type == concept_type).sum())
        if not width:
            continue
        if start:
            ax.axvline(start - 0.5, color="#444444", linewidth=1.2)
        ax.text(
            start - 0.5 + width / 2,
            -0.7,
            CONCEPT_TYPE_LABELS[concept_type],
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
        )
        start += width
    ax.set_ylim(len(countries) - 0.5, -0.5)
    handles = [
        Patch(
            facecolor=KIND_COLOURS[n], edgecolor="#999999", label=f"{n} kind{'s' if n != 1 else ''}"
        )
        for n in range(4)
    ]
    figure.legend(
        handles=handles,
        title="Kinds of evidence (P sector plan, L literature, R programme record)",
        loc="outside lower left",
        ncols=4,
        fontsize=8,
        title_fontsize=9,
        frameon=False,
    )
    ax.set_title(
        "Evidence map: which learning-team concepts each country's plans, literature "
        "and programmes speak of" + shown,
        fontsize=12,
        loc="left",
        pad=22,
    )
    return figure


def number_text(value: float, unit: str | None = None) -> str:
    if value is None or pd.isna(value):
        return "–"
    if unit == "count" or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def indicator_trends(
    country: str, subtitle: str, trends: pd.DataFrame, indicators: pd.DataFrame
) -> Figure:
    """One panel per configured indicator: the country's values by year, with the median of
    the countries in its region and in its income group.

    trends: mart_indicator_trends rows of one country; indicators: the indicator seed
    (indicator_code, short_label, unit), in the order to draw."""
    n = len(indicators)
    ncols = 4
    nrows = max(1, -(-(n + 1) // ncols))  # one spare cell for the legend
    figure = Figure(figsize=(4.2 * ncols, 3.2 * nrows + 0.9), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    lines = {}
    for ax, indicator in zip(axes, indicators.itertuples(), strict=False):
        rows = trends[trends.indicator_code == indicator.indicator_code].sort_values("year")
        ax.set_title(indicator.short_label, fontsize=10, loc="left")
        if rows.empty:
            ax.text(
                0.5,
                0.5,
                "no data",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="#888888",
            )
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        for column, label, style in (
            (
                "value",
                country,
                {"color": "#08519c", "marker": "o", "markersize": 3.5, "linewidth": 2},
            ),
            (
                "region_median",
                f"median, same region (≥{MIN_MEDIAN_COUNTRIES} countries)",
                {"color": "#e6550d", "linestyle": "--", "linewidth": 1.4},
            ),
            (
                "income_group_median",
                f"median, same income group (≥{MIN_MEDIAN_COUNTRIES} countries)",
                {"color": "#31a354", "linestyle": ":", "linewidth": 1.6},
            ),
        ):
            values = rows[column]
            count_column = column.replace("_median", "_country_count")
            if count_column in rows:  # a median of one or two countries is no comparison
                values = values.where(rows[count_column] >= MIN_MEDIAN_COUNTRIES)
            if values.notna().any():
                (lines[label],) = ax.plot(rows.year, values, label=label, **style)
        if indicator.unit == "percent":
            ax.set_ylim(0, 100)
        else:
            ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v == int(v) else f"{v:,.1f}")
        )
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[n:]:
        ax.axis("off")
    if lines:
        axes[n].legend(lines.values(), lines.keys(), loc="center", fontsize=9, frameon=False)
    figure.suptitle(f"{country}: workforce indicators\n{subtitle}", fontsize=12, x=0.01, ha="left")
    return figure


def profile_page(
    profile: pd.Series,
    indicator_rows: list[tuple[str, str, str]],
    plans: pd.DataFrame,
    evidence: pd.DataFrame,
) -> Figure:
    """A one-page country profile (A4 landscape): latest indicators, sector plans and the
    themes they mention, programmes by kind, literature, and the evidence per concept type.

    indicator_rows: (label, value text, year text); plans: dim_sector_plan rows of the country;
    evidence: mart_evidence_map rows of the country."""
    figure = Figure(figsize=(11.7, 8.3))
    grid = figure.add_gridspec(
        2, 2, left=0.04, right=0.97, top=0.82, bottom=0.07, wspace=0.3, hspace=0.38
    )
    figure.text(0.04, 0.97, profile.country_name, fontsize=20, fontweight="bold", va="top")
    figure.text(
        0.04,
        0.915,
        f"{profile.region or '–'}  ·  {profile.income_group or '–'}",
        fontsize=11,
        color="#555555",
        va="top",
    )

    table_ax = figure.add_subplot(grid[0, 0])
    table_ax.axis("off")
    table_ax.set_title("Latest workforce indicators", fontsize=11, loc="left")
    table = table_ax.table(
        cellText=[list(r) for r in indicator_rows] or [["–", "–", "–"]],
        colLabels=["indicator", "value", "year"],
        colLoc="left",
        cellLoc="left",
        colWidths=[0.64, 0.2, 0.16],
        loc="upper left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 1.35)
    for (row, _col), cell in table.get_celld().items():
        cell.set_edgecolor("#dddddd")
        if row == 0:
            cell.set_text_props(fontweight="bold")

    text_ax = figure.add_subplot(grid[1, 0])
    text_ax.axis("off")
    text_ax.set_title("Sector plans", fontsize=11, loc="left")
    loaded = plans[plans.load_status.isin(["loaded", "partially_loaded"])]
    lines = [f"{len(plans)} plan(s) listed, {len(loaded)} loaded"]
    for plan in plans.sort_values("period_start_year", ascending=False).head(4).itertuples():
        period = plan.period_label or ""
        title = plan.title if period in plan.title else f"{plan.title} {period}"
        lines += textwrap.wrap(f"• {title} ({plan.load_status.replace('_', ' ')})", 60)
    themes = evidence[evidence.evidence_kind == "plan"].concept_label.sort_values().tolist()
    lines.append("")
    lines.append(f"Themes the plans mention ({len(themes)}):")
    lines += textwrap.wrap(", ".join(themes) or "none", 60)
    text_ax.text(0, 1, "\n".join(lines[:18]), va="top", fontsize=9, transform=text_ax.transAxes)

    bars_ax = figure.add_subplot(grid[0, 1])
    kinds = list(KIND_LETTERS)
    counts = (
        evidence.groupby(["concept_type", "evidence_kind"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=CONCEPT_TYPE_ORDER, columns=kinds, fill_value=0)
    )
    y = np.arange(len(CONCEPT_TYPE_ORDER))
    for k, (kind, colour) in enumerate(zip(kinds, ("#08519c", "#e6550d", "#31a354"), strict=True)):
        bars = bars_ax.barh(y + (k - 1) * 0.26, counts[kind], height=0.26, color=colour, label=kind)
        bars_ax.bar_label(bars, [str(v) if v else "" for v in counts[kind]], padding=2, fontsize=8)
    bars_ax.set_yticks(y, [CONCEPT_TYPE_LABELS[t] for t in CONCEPT_TYPE_ORDER], fontsize=9)
    bars_ax.invert_yaxis()
    bars_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    bars_ax.set_xlim(0, max(int(counts.to_numpy().max()), 1) * 1.15)
    bars_ax.set_xlabel("concepts with evidence", fontsize=9)
    bars_ax.legend(
        fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncols=3
    )
    bars_ax.set_title("Concepts spoken of, by kind of evidence", fontsize=11, loc="left")
    bars_ax.grid(axis="x", alpha=0.3)

    prog_ax = figure.add_subplot(grid[1, 1])
    labels = ["within schools", "schools and communities", "cross-sector"]
    values = [
        int(profile.within_school_programmes),
        int(profile.school_community_programmes),
        int(profile.cross_sector_programmes),
    ]
    prog_ax.bar_label(
        prog_ax.barh(labels, values, color="#756bb1", height=0.5), padding=3, fontsize=9
    )
    prog_ax.invert_yaxis()
    prog_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    prog_ax.set_xlim(0, max(values + [1]) * 1.15)
    prog_ax.tick_params(labelsize=9)
    prog_ax.set_title(
        f"Programmes recorded: {int(profile.programme_count)}   ·   publications: "
        f"{int(profile.publication_count)}",
        fontsize=11,
        loc="left",
    )
    prog_ax.set_xlabel("programmes by team kind", fontsize=9)
    prog_ax.grid(axis="x", alpha=0.3)
    return figure
