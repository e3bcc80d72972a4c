"""Benchmark: load scaled programme-records files (CSV, JSON, XLSX) into a fresh DuckDB file.

Prints, per format and size: rows, wall seconds, rows per second, rows quarantined, and the
peak resident memory of the process. Every 50th generated row is invalid (it must be
quarantined). Run: `.venv/bin/python bench/ingest_benchmark.py [--sizes 1000 10000 100000]`.
"""

import argparse
import csv
import json
import os
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.programme_records.assets import ge_audit
from pipelines.settings import EXCEL_EXTENSION, SEEDS_DIR
from sources.programme_records.archive import Delivery, file_id_for, sha256_of
from sources.programme_records.contract import COLUMN_NAMES
from sources.programme_records.loader import load_file

COUNTRIES = ["GBR", "GHA", "KEN", "NPL", "IND", "UGA", "PER", "BRA"]
KINDS = ["within_school", "school_community", "cross_sector"]


def record(i: int) -> dict:
    bad = i % 50 == 49
    return {
        "programme_ref": f"BENCH-{i:07d}",
        "programme_name": f"Benchmark learning team {i}",
        "organisations": "Org A; Org B",
        "country_code": "UK" if bad else COUNTRIES[i % len(COUNTRIES)],
        "subnational_area": "",
        "level": ["local", "regional", "national"][i % 3],
        "start_year": str(1995 + i % 30),
        "end_year": "" if i % 4 else str(2026 + i % 3),
        "team_kind": KINDS[i % 3],
        # a teacher triad is a within-school team (the contract checks the pair)
        "collaboration_model": "teacher_triad" if i % 15 == 0 else "",
        "actors": "teachers; head teachers; parents",
        "schools_count": str(i % 40),
        "teachers_count": str(i % 300),
        "learners_count": str(i % 9000),
        "funding_amount": "" if i % 3 else "50000",
        "funding_currency": "" if i % 3 else "GBP",
        "funding_period": "" if i % 3 else "per_year",
        "funders": "",
        "roles_extended": "Teachers act as coaches for peers.",
        "description": "Synthetic record for benchmarking.",
        "source_name": "benchmark",
        "source_url": "",
    }


def write(fmt: str, path: Path, n: int) -> None:
    rows = [record(i) for i in range(n)]
    if fmt == "json":
        path.write_text(json.dumps(rows), encoding="utf-8")
        return
    csv_path = path if fmt == "csv" else path.with_suffix(".csv")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        writer.writerows(rows)
    if fmt == "xlsx":
        con = duckdb.connect()
        con.execute(f"LOAD '{EXCEL_EXTENSION}'")
        con.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{path}' "
            "(FORMAT xlsx, HEADER true)"
        )
        con.close()


RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "json", "xlsx"])
    parser.add_argument(
        "--no-audit", dest="audit", action="store_false", help="skip the GE raw audit"
    )
    args = parser.parse_args()
    figures: list[dict] = []
    if args.audit:  # import Great Expectations and build its context before timing anything
        ge_audit(pd.DataFrame({c: [] for c in COLUMN_NAMES}))
    print(f"{'format':<6} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'quarantined':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats:
            for n in args.sizes:
                path = Path(tmp) / f"bench_{n}.{fmt}"
                write(fmt, path, n)
                con = duckdb.connect(str(Path(tmp) / f"bench_{fmt}_{n}.duckdb"))
                sha256 = sha256_of(path)
                delivery = Delivery(
                    file_id=file_id_for(f"bench/{path.name}", sha256),
                    organisation="bench",
                    entry_path=f"bench/{path.name}",
                    file_name=path.name,
                    sha256=sha256,
                    size_bytes=path.stat().st_size,
                    delivered_at="2026-01-01T00:00:00+00:00",
                )
                started = time.perf_counter()
                result = load_file(
                    con,
                    path,
                    delivery,
                    seeds_dir=SEEDS_DIR,
                    excel_extension=EXCEL_EXTENSION,
                    audit=ge_audit if args.audit else None,
                )
                seconds = time.perf_counter() - started
                con.close()
                assert result.rows_loaded + result.rows_quarantined == n
                print(
                    f"{fmt:<6} {n:>8} {seconds:>8.2f} {n / seconds:>9.0f} "
                    f"{result.rows_quarantined:>11}"
                )
                figures.append(
                    {
                        "format": fmt,
                        "rows": n,
                        "seconds": round(seconds, 3),
                        "rows_per_second": round(n / seconds),
                        "rows_quarantined": result.rows_quarantined,
                        "audit": args.audit,
                    }
                )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak_mib:.0f} MiB")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "ingest (write, contract check, GE audit, publish) per file",
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "cores": os.cpu_count(),
                "peak_rss_mib": round(peak_mib),
                "results": figures,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
