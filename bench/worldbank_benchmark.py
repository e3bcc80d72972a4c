"""Benchmark: load a WDI bulk CSV with the World Bank connector (`load_bulk_csv`), against a bare
DuckDB `read_csv` + UNPIVOT floor and pandas (`read_csv` + `melt`, what a user might pick
instead), in the same run.

The genuine bulk CSV (LT_SHARED_DATA_DIR/worldbank/API_SE.PRM.ENRL.TC.ZS_DS2_en_csv_v2_131293.csv:
266 economies x 65 years, 8,215 values) is scaled up (default x100) by repeating its data rows
under distinct indicator codes (SE.PRM.ENRL.TC.ZS.B000 ...), keeping its BOM, CRLF, preamble and
trailing empty column, so every economy stays a real one. The connector knows the economies of
the bundled demo country metadata; the aggregates it lacks are quarantined, as in production
without their metadata. Prints and writes bench/results/worldbank.json:
- cells per second: the connector (read, unpivot, validate, quarantine, publish in one
  transaction; without the GE audit, and with it), the bare DuckDB floor (read_csv + UNPIVOT of
  the non-empty cells into a table), pandas (read_csv + melt + dropna);
- the connector's time relative to the floor.
Each measurement is the best of `--repeat` runs into a fresh DuckDB file.

Run: `PYTHONPATH=. .venv/bin/python bench/worldbank_benchmark.py [--scale 100] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from sources.cassette_server import load_cassette
from sources.worldbank.api import parse_page
from sources.worldbank.bulk_csv import load_bulk_csv
from sources.worldbank.config import Indicator
from sources.worldbank.economies import publish_economies
from sources.worldbank.values import Audit

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL = "API_SE.PRM.ENRL.TC.ZS_DS2_en_csv_v2_131293.csv"
RESULTS = REPO_ROOT / "bench" / "results" / "worldbank.json"


def shared_dir() -> Path:
    return Path(os.environ.get("LT_SHARED_DATA_DIR") or REPO_ROOT.parent / "shared" / "data")


def scaled_csv(target: Path, scale: int) -> tuple[list[str], int]:
    """Write the real file scaled `scale` times; returns the indicator codes and the number of
    non-empty cells."""
    text = (shared_dir() / "worldbank" / REAL).read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    head, rows = lines[:5], [line for line in lines[5:] if line]
    codes = [f"SE.PRM.ENRL.TC.ZS.B{k:03d}" for k in range(scale)]
    body = [row.replace('"SE.PRM.ENRL.TC.ZS"', f'"{code}"') for code in codes for row in rows]
    target.write_bytes(("\r\n".join(head + body) + "\r\n").encode("utf-8"))
    cells = sum(1 for row in csv.reader(rows) for cell in row[4:] if cell) * scale
    return codes, cells


def metadata_pages():
    demo = REPO_ROOT / "sample_data" / "worldbank" / "api_demo.yaml"
    (meta,) = [i for i in load_cassette(demo) if "/v2/country?" in i.url]
    return [parse_page(meta.url, meta.body)]


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            times.append(run(Path(tmp)))
    return min(times)


def connector(path: Path, codes: list[str], audit) -> callable:
    indicators = [Indicator(code, "bench", "ratio", "bench") for code in codes]

    def run(tmp: Path) -> float:
        con = duckdb.connect(str(tmp / "w.duckdb"))
        publish_economies(con, metadata_pages())
        start = time.perf_counter()
        load = load_bulk_csv(con, path, indicators, audit=audit, max_year=2030)
        elapsed = time.perf_counter() - start
        assert load.status == "loaded", load.summary()
        con.close()
        return elapsed

    return run


def floor(path: Path) -> callable:
    def run(tmp: Path) -> float:
        con = duckdb.connect(str(tmp / "w.duckdb"))
        start = time.perf_counter()
        con.execute(
            f"""CREATE TABLE v AS
            SELECT "Country Code" AS economy_code, "Indicator Code" AS indicator_code,
                   CAST(year AS INTEGER) AS year, CAST(value AS DOUBLE) AS value
            FROM (UNPIVOT (SELECT * FROM read_csv('{path}', skip=4, header=true,
                                                   all_varchar=true))
                  ON COLUMNS('^[0-9]{{4}}$') INTO NAME year VALUE value)
            WHERE value <> ''"""
        )
        elapsed = time.perf_counter() - start
        con.close()
        return elapsed

    return run


def pandas_melt(path: Path) -> callable:
    def run(tmp: Path) -> float:
        start = time.perf_counter()
        frame = pd.read_csv(path, skiprows=4, encoding="utf-8-sig")
        years = [c for c in frame.columns if c.isdigit()]
        long = frame.melt(  # noqa: F841 - read by DuckDB replacement scan
            id_vars=["Country Code", "Indicator Code"], value_vars=years, var_name="year"
        ).dropna(subset=["value"])
        con = duckdb.connect(str(tmp / "w.duckdb"))
        con.execute("CREATE TABLE v AS SELECT * FROM long")
        elapsed = time.perf_counter() - start
        con.close()
        return elapsed

    return run


def ge_audit(df) -> Audit:
    from expectations import runner
    from expectations.worldbank_suite import SUITE_NAME

    result = runner.validate_dataframe(SUITE_NAME, df)
    return Audit(result.success, result.describe())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"API_bench_x{args.scale}.csv"
        codes, cells = scaled_csv(path, args.scale)
        size_mb = path.stat().st_size / 1e6
        print(f"bulk CSV x{args.scale}: {size_mb:.1f} MB, {cells:,} non-empty cells")
        ge_audit(
            pd.DataFrame(
                {
                    "value": [1.0],
                    "percent_value": [1.0],
                    "unit": ["ratio"],
                    "last_updated": ["2025-10-07"],
                }
            )
        )  # GE import, not timed
        figures = {
            "duckdb_floor": best(args.repeat, floor(path)),
            "connector": best(args.repeat, connector(path, codes, None)),
            "connector_with_ge_audit": best(args.repeat, connector(path, codes, ge_audit)),
            "pandas_read_csv_melt": best(args.repeat, pandas_melt(path)),
        }
    result = {
        "benchmark": "worldbank bulk CSV load",
        "scale": args.scale,
        "file_mb": round(size_mb, 1),
        "cells": cells,
        "repeat": args.repeat,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "seconds": {k: round(v, 3) for k, v in figures.items()},
        "cells_per_second": {k: round(cells / v) for k, v in figures.items()},
        "connector_vs_floor": round(figures["connector"] / figures["duckdb_floor"], 2),
        "connector_with_audit_vs_floor": round(
            figures["connector_with_ge_audit"] / figures["duckdb_floor"], 2
        ),
        "pandas_vs_floor": round(figures["pandas_read_csv_melt"] / figures["duckdb_floor"], 2),
    }
    for name, seconds in figures.items():
        print(f"{name:<26} {seconds:7.2f} s  {cells / seconds:>12,.0f} cells/s")
    print(
        f"connector / floor: {result['connector_vs_floor']}x "
        f"(with GE audit {result['connector_with_audit_vs_floor']}x); "
        f"pandas / floor: {result['pandas_vs_floor']}x"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
