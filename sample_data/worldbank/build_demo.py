"""Write the bundled World Bank demo (ours, in the real shapes; run from the repository root):

- `api_demo.yaml`: a go-vcr cassette of API v2 responses for the seven configured indicators,
  for Ghana, Kenya and Nepal and their region and income-group aggregates (SSF, SAS, LMC) and
  the World (WLD): the two-element envelope, rows newest year first, `null` for a missing year,
  plus the one-row probes an incremental load makes, and the country metadata (`/v2/country`,
  every country of the seed `countries.csv` with a World Bank region, and the aggregates), with
  `per_page` as a string as the real endpoint sends it.
- `bulk/API_SE.PRM.ENRL.TC.ZS_DS2_en_csv_v2_demo.csv`: a WDI bulk CSV in the real layout (BOM,
  CRLF, 4 preamble lines, one column per year 1960-2024, trailing empty column) holding older
  years; one row has an economy code the metadata does not know, on purpose (it is quarantined).

The values are invented but plausible; they are not World Bank data.
`PYTHONPATH=. .venv/bin/python sample_data/worldbank/build_demo.py`
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

from sources.worldbank.api import country_metadata_url, indicator_url
from sources.worldbank.config import WorldBankSettings, load_indicators

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BASE = "https://api.worldbank.org"
DEMO_COUNTRIES = ("GHA", "KEN", "LMC", "NPL", "SAS", "SSF", "WLD")
LAST_UPDATED_API = "2025-10-07"
LAST_UPDATED_BULK = "2025-07-01"
REGIONS = {
    "East Asia & Pacific": ("EAS", "Z4"),
    "Europe & Central Asia": ("ECS", "Z7"),
    "Latin America & Caribbean": ("LCN", "ZJ"),
    "Middle East & North Africa": ("MEA", "ZQ"),
    "North America": ("NAC", "XU"),
    "South Asia": ("SAS", "8S"),
    "Sub-Saharan Africa": ("SSF", "ZG"),
}
INCOMES = {
    "Low income": ("LIC", "XM"),
    "Lower middle income": ("LMC", "XN"),
    "Upper middle income": ("UMC", "XT"),
    "High income": ("HIC", "XD"),
}
OTHER_AGGREGATES = {"WLD": ("1W", "World"), "LMY": ("XO", "Low & middle income")}
NAMES = {"GHA": "Ghana", "KEN": "Kenya", "NPL": "Nepal", "UGA": "Uganda"}
ISO2 = {"GHA": "GH", "KEN": "KE", "NPL": "NP", "UGA": "UG", "LMC": "XN", "SAS": "8S"}
ISO2 |= {"SSF": "ZG", "WLD": "1W"}
AGG_NAMES = {"LMC": "Lower middle income", "SAS": "South Asia", "SSF": "Sub-Saharan Africa"}
AGG_NAMES["WLD"] = "World"
# indicator -> economy -> (value in 2012, change per year)
BASES = {
    "SE.PRM.ENRL.TC.ZS": {
        "GHA": (30, -0.4),
        "KEN": (31, 0.2),
        "NPL": (24, -0.5),
        "SSF": (40, -0.3),
        "SAS": (33, -0.4),
        "LMC": (30, -0.3),
        "WLD": (24, -0.1),
        "UGA": (46, -0.6),
    },
    "SE.SEC.ENRL.TC.ZS": {
        "GHA": (16, 0.1),
        "KEN": (26, -0.3),
        "NPL": (30, -0.4),
        "SSF": (22, 0.1),
        "SAS": (26, -0.3),
        "LMC": (22, -0.1),
        "WLD": (17, 0.0),
    },
    "SE.PRM.TCAQ.ZS": {
        "GHA": (55, 1.8),
        "KEN": (96, 0.1),
        "NPL": (90, 0.4),
        "SSF": (64, 0.6),
        "SAS": (76, 0.8),
        "LMC": (75, 0.7),
        "WLD": (84, 0.3),
    },
    "SE.SEC.TCAQ.ZS": {
        "GHA": (68, 1.2),
        "KEN": (90, 0.3),
        "NPL": (80, 0.9),
        "SSF": (58, 0.7),
        "SAS": (72, 0.6),
        "LMC": (70, 0.5),
        "WLD": (82, 0.3),
    },
    "SE.PRM.TCHR": {
        "GHA": (140000, 3500),
        "KEN": (200000, 4000),
        "NPL": (185000, 1500),
        "SSF": (4200000, 120000),
        "SAS": (5300000, 60000),
        "LMC": (11500000, 150000),
        "WLD": (31000000, 300000),
    },
    "SE.XPD.TOTL.GD.ZS": {
        "GHA": (5.2, -0.15),
        "KEN": (5.3, -0.05),
        "NPL": (3.9, 0.02),
        "SSF": (3.9, -0.02),
        "SAS": (3.4, 0.01),
        "LMC": (3.8, 0.0),
        "WLD": (4.3, 0.01),
    },
    "SE.PRM.TCHR.FE.ZS": {
        "GHA": (40, 0.6),
        "KEN": (48, 0.3),
        "NPL": (40, 0.5),
        "SSF": (45, 0.3),
        "SAS": (55, 0.4),
        "LMC": (53, 0.3),
        "WLD": (65, 0.2),
    },
}


def value(indicator: str, economy: str, year: int) -> float | None:
    """Deterministic demo value; about one year in five is missing."""
    base, slope = BASES[indicator][economy]
    if (year * 7 + sum(map(ord, economy + indicator))) % 5 == 0:
        return None
    wiggle = ((year * 13 + len(economy) * 3) % 7 - 3) / 100
    result = (base + slope * (year - 2012)) * (1 + wiggle / 5)
    return round(result) if indicator == "SE.PRM.TCHR" else round(result, 2)


def interaction(url: str, body: str) -> dict:
    return {
        "request": {"body": "", "form": {}, "headers": {}, "url": url, "method": "GET"},
        "response": {
            "body": body,
            "headers": {"Content-Type": ["application/json;charset=utf-8"]},
            "status": "200 OK",
            "code": 200,
            "duration": "",
        },
    }


def indicator_pages(settings: WorldBankSettings) -> list[dict]:
    out = []
    for ind in load_indicators():
        rows = [
            {
                "indicator": {"id": ind.code, "value": ind.name},
                "country": {"id": ISO2[e], "value": NAMES.get(e) or AGG_NAMES[e]},
                "countryiso3code": e,
                "date": str(year),
                "value": None if year == 2024 else value(ind.code, e, year),
                "unit": "",
                "obs_status": "",
                "decimal": 0 if ind.unit == "count" else 1,
            }
            for e in DEMO_COUNTRIES
            for year in range(2024, 2009, -1)
        ]
        meta = {
            "page": 1,
            "pages": 1,
            "per_page": settings.per_page,
            "total": len(rows),
            "sourceid": "2",
            "sourcename": "World Development Indicators",
            "lastupdated": LAST_UPDATED_API,
        }
        chunk = ";".join(DEMO_COUNTRIES)
        out.append(
            interaction(
                indicator_url(settings, chunk, ind.code),
                json.dumps([meta, rows], separators=(",", ":")),
            )
        )
        probe = {**meta, "per_page": 1, "pages": len(rows)}
        out.append(
            interaction(
                indicator_url(settings, chunk, ind.code, per_page=1),
                json.dumps([probe, rows[:1]], separators=(",", ":")),
            )
        )
    return out


def economy(code, iso2, name, region, income) -> dict:
    blank = {"id": "", "iso2code": "", "value": ""}
    return {
        "id": code,
        "iso2Code": iso2,
        "name": name,
        "region": region,
        "adminregion": blank,
        "incomeLevel": income,
        "lendingType": blank,
        "capitalCity": "",
        "longitude": "",
        "latitude": "",
    }


def country_metadata(settings: WorldBankSettings) -> dict:
    rows = []
    with (REPO / "dbt_project/seeds/reference/countries.csv").open(encoding="utf-8") as f:
        for c in csv.DictReader(f):
            if not c["region"]:
                continue  # the World Bank does not list it
            region_id, region_iso2 = REGIONS[c["region"]]
            income = INCOMES.get(c["income_group"], ("INX", "XY"))
            rows.append(
                economy(
                    c["country_code"],
                    c["iso2_code"],
                    c["country_name"],
                    {"id": region_id, "iso2code": region_iso2, "value": c["region"]},
                    {
                        "id": income[0],
                        "iso2code": income[1],
                        "value": c["income_group"] or "Not classified",
                    },
                )
            )
    aggregate = {"id": "", "iso2code": "", "value": "Aggregates"}
    for name, (code, iso2) in {**REGIONS, **INCOMES}.items():
        rows.append(economy(code, iso2, name, aggregate, aggregate))
    for code, (iso2, name) in OTHER_AGGREGATES.items():
        rows.append(economy(code, iso2, name, aggregate, aggregate))
    meta = {"page": 1, "pages": 1, "per_page": "400", "total": len(rows)}
    return interaction(
        country_metadata_url(settings), json.dumps([meta, rows], separators=(",", ":"))
    )


def bulk_csv() -> str:
    years = list(range(1960, 2025))
    lines = [
        '"Data Source","World Development Indicators",',
        "",
        f'"Last Updated Date","{LAST_UPDATED_BULK}",',
        "",
    ]
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *map(str, years)]
    lines.append(",".join(f'"{h}"' for h in header) + ",")
    code, name = "SE.PRM.ENRL.TC.ZS", "Pupil-teacher ratio, primary"
    for e in ("GHA", "KEN", "NPL", "UGA", "SSF", "SAS", "LMC", "WLD", "KSV"):
        label = NAMES.get(e) or AGG_NAMES.get(e) or "Kosovo (former code)"
        basis = "KEN" if e == "KSV" else e
        cells = []
        for year in years:
            v = value(code, basis, year) if 1990 <= year <= 2014 else None
            cells.append("" if v is None else f'"{v}"')
        lines.append(",".join([f'"{label}"', f'"{e}"', f'"{name}"', f'"{code}"', *cells]) + ",")
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def main() -> None:
    settings = WorldBankSettings(base_url=BASE, countries=DEMO_COUNTRIES)
    cassette = {
        "version": 1,
        "interactions": [country_metadata(settings), *indicator_pages(settings)],
    }
    (HERE / "api_demo.yaml").write_text(
        "# Generated by build_demo.py: demo responses in the real API v2 shape (not WB data).\n"
        + yaml.safe_dump(cassette, sort_keys=False, width=100),
        encoding="utf-8",
    )
    (HERE / "bulk").mkdir(exist_ok=True)
    (HERE / "bulk" / "API_SE.PRM.ENRL.TC.ZS_DS2_en_csv_v2_demo.csv").write_bytes(
        bulk_csv().encode("utf-8")
    )


if __name__ == "__main__":
    main()
