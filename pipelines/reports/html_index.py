"""A static index of the reports folder: every picture (SVG shown, PNG and SVG linked) and
every export, with relative links only and inline CSS, so it works opened from disk, offline."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

SECTIONS = [
    ("Evidence map", "evidence_map*.svg"),
    ("Indicator trends", "indicator_trends_*.svg"),
    ("Country profiles", "country_profile_*.svg"),
]
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }
figure { margin: 1.5em 0; } img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #555; } ul { columns: 3; }
"""


def write_index(folder: Path) -> Path:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Learning Teams Warehouse reports</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Learning Teams Warehouse reports</h1>",
        f"<p>Made from the published copy on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>",
    ]
    for title, pattern in SECTIONS:
        pictures = sorted(folder.glob(pattern))
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if not pictures:
            parts.append("<p>none yet</p>")
        for svg in pictures:
            name = html.escape(svg.stem)
            png = html.escape(svg.with_suffix(".png").name)
            parts.append(
                f"<figure><a href='{html.escape(svg.name)}'><img src='{html.escape(svg.name)}'"
                f" alt='{name}'></a><figcaption>{name}: <a href='{png}'>PNG</a> · "
                f"<a href='{html.escape(svg.name)}'>SVG</a></figcaption></figure>"
            )
    exports = sorted((folder / "exports").glob("*.*"))
    parts.append("<h2>Exports (CSV, XLSX)</h2><ul>")
    parts += [
        f"<li><a href='exports/{html.escape(p.name)}'>{html.escape(p.name)}</a></li>"
        for p in exports
        if not p.name.startswith(".")
    ]
    parts.append("</ul></body></html>")
    path = folder / "index.html"
    tmp = folder / ".index.html.tmp"
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)
    return path
