"""Benchmark: the programme-records loader against bare DuckDB on the same file, in the same run.

For each format (CSV, JSON, XLSX) and size, one generated file (every 50th row invalid: it must be
quarantined) is loaded into a fresh DuckDB file three times, each in its own subprocess so that peak
resident memory (RSS) is measured per case:

- loader: `load_file` (read, contract check, the delivery audit, publish), the audit also
  timed on its own;
- floor: bare DuckDB doing the least the same job needs: `read_csv`/`read_json`/`read_xlsx` as
  text, a join against the countries seed, the year and count rules, and writing a good table
  and a quarantine table with the reasons;
- contract floor: bare DuckDB applying the whole contract (validation.py's own SQL, every rule)
  to the file read whole into one table, then the same two tables: no line numbers, rejects,
  load metadata or audit. What any loader keeping every rule pays at least; `c/floor` shows how
  much of the loader's ratio the contract's rules alone take.

Also a CSV with one 300 MB field: the loader must quarantine it with a bounded prefix and its
length, within the memory limit. Prints a table and writes `bench/results/ingest.json`.
Run: `PYTHONPATH=. .venv/bin/python bench/ingest_benchmark.py [--sizes 100000 1000000]`.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.settings import EXCEL_EXTENSION, SEEDS_DIR
from sources.programme_records.contract import COLUMN_NAMES

COUNTRIES = ["GBR", "GHA", "KEN", "NPL", "IND", "UGA", "PER", "BRA"]
KINDS = ["within_school", "school_community", "cross_sector"]
RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"
HUGE_FIELD_BYTES = 300 * 1024 * 1024


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
    if fmt == "json":
        with path.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for i in range(n):
                handle.write(("," if i else "") + json.dumps(record(i)))
            handle.write("]")
        return
    csv_path = path if fmt == "csv" else path.with_suffix(".csv")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        writer.writerows(record(i) for i in range(n))
    if fmt == "xlsx":
        con = duckdb.connect()
        con.execute(f"LOAD '{EXCEL_EXTENSION}'")
        con.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{path}' "
            "(FORMAT xlsx, HEADER true)"
        )
        con.close()
        csv_path.unlink()


def write_huge_field(path: Path) -> None:
    """Two good rows around one whose description is HUGE_FIELD_BYTES long."""
    huge = {**record(2), "programme_ref": "BENCH-HUGE"}
    before = COLUMN_NAMES[: COLUMN_NAMES.index("description")]
    after = COLUMN_NAMES[COLUMN_NAMES.index("description") + 1 :]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        writer.writerow(record(0))
        handle.write(",".join(huge.get(c, "") for c in before) + ",")
        block = "x" * (1024 * 1024)
        for _ in range(HUGE_FIELD_BYTES // len(block)):
            handle.write(block)
        handle.write("," + ",".join(huge.get(c, "") for c in after) + "\r\n")
        writer.writerow(record(1))


# --------------------------------------------------------------------------- cases (subprocess)


def run_loader(path: Path, database: Path, audit: bool) -> dict:
    from expectations.programme_records_audit import audit_delivery
    from sources.programme_records.archive import Delivery, file_id_for, sha256_of
    from sources.programme_records.loader import load_file
    from sources.programme_records.raw_schema import QUARANTINE_TABLE

    if audit:  # import Great Expectations and build its context before timing anything
        from expectations.runner import _batch_definition

        _batch_definition()
    audit_seconds = 0.0

    def timed_audit(rows):
        nonlocal audit_seconds
        started = time.perf_counter()
        outcome = audit_delivery(rows)
        audit_seconds += time.perf_counter() - started
        return outcome

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
    con = duckdb.connect(str(database))
    started = time.perf_counter()
    result = load_file(
        con,
        path,
        delivery,
        seeds_dir=SEEDS_DIR,
        excel_extension=EXCEL_EXTENSION,
        audit=timed_audit if audit else None,
    )
    seconds = time.perf_counter() - started
    longest, longest_length = con.execute(
        f"SELECT max(length(raw_record)), max(raw_record_length) FROM {QUARANTINE_TABLE}"
    ).fetchone()
    con.close()
    return {
        "seconds": seconds,
        "audit_seconds": audit_seconds,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "status": result.status,
        "audit_passed": None if result.audit is None else result.audit.passed,
        "reasons": result.reason_counts(),
        "longest_raw_record_kept": longest,
        "longest_raw_record_length": longest_length,
    }


def _bare_reader(path: Path) -> str:
    source = str(path).replace("'", "''")
    return {
        "csv": f"read_csv('{source}', all_varchar = true, header = true)",
        "json": f"read_json('{source}', format = 'array')",
        "xlsx": f"read_xlsx('{source}', header = true, all_varchar = true)",
    }[path.suffix.lstrip(".")]


def run_contract_floor(path: Path, database: Path) -> dict:
    """Bare DuckDB applying the whole contract: the file read whole into one table (no line
    numbers, rejects, load metadata or audit), then validation.py's own SQL over it, and a good
    and a quarantine table written. What any loader keeping every rule pays at least."""
    from sources.programme_records.raw_schema import ensure_raw_schema
    from sources.programme_records.reader import record_struct
    from sources.programme_records.validation import (
        load_held,
        load_reference,
        validate_incoming,
    )

    con = duckdb.connect(str(database))
    ensure_raw_schema(con)  # the rules that look beyond the file read the (empty) raw layer
    started = time.perf_counter()
    if path.suffix == ".xlsx":
        con.execute(f"LOAD '{EXCEL_EXTENSION}'")
    reader = _bare_reader(path)
    names = [n for (n, *_) in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    struct = record_struct(con, names, [f'r."{n}"::VARCHAR' for n in names])
    con.execute("SET preserve_insertion_order = true")
    con.execute(
        f"CREATE TEMP TABLE records AS SELECT struct_pack({struct}) AS _record FROM {reader} AS r"
    )
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        "CREATE TEMP VIEW incoming AS SELECT (rowid + 2)::INTEGER AS _row_number, _record, "
        "NULL::VARCHAR AS _parse_error, NULL::VARCHAR AS _raw, NULL::BIGINT AS _raw_length "
        "FROM records"
    )
    con.execute("CREATE TEMP MACRO incoming_raw(record, rn) AS to_json(record)::VARCHAR")
    load_reference(con, SEEDS_DIR)
    load_held(con, "bench")
    validate_incoming(con, reference_year=2026)
    con.execute(
        "CREATE TABLE good AS SELECT * EXCLUDE (reasons, _raw_length) FROM validated "
        "WHERE len(reasons) = 0"
    )
    con.execute(
        "CREATE TABLE quarantine AS SELECT _row_number, reasons, _raw FROM validated "
        "JOIN quarantined_text USING (_row_number) WHERE len(reasons) > 0"
    )
    good, bad = (
        con.execute("SELECT count(*) FROM good").fetchone()[0],
        con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
    )
    con.close()
    return {"seconds": time.perf_counter() - started, "rows_loaded": good, "rows_quarantined": bad}


def run_floor(path: Path, database: Path) -> dict:
    fmt = path.suffix.lstrip(".")
    reader = _bare_reader(path)
    countries = str(SEEDS_DIR / "reference" / "countries.csv").replace("'", "''")
    con = duckdb.connect(str(database))
    started = time.perf_counter()
    if fmt == "xlsx":
        con.execute(f"LOAD '{EXCEL_EXTENSION}'")
    con.execute(
        f"""CREATE TEMP TABLE checked AS
        SELECT r.*, c.country_code IS NOT NULL AS country_ok,
               coalesce(TRY_CAST(r.start_year AS INTEGER) BETWEEN 1900 AND 2031, false) AS year_ok,
               coalesce(TRY_CAST(r.schools_count AS BIGINT) >= 0, r.schools_count IS NULL)
               AND coalesce(TRY_CAST(r.teachers_count AS BIGINT) >= 0, r.teachers_count IS NULL)
               AND coalesce(TRY_CAST(r.learners_count AS BIGINT) >= 0, r.learners_count IS NULL)
                   AS counts_ok
        FROM {reader} AS r
        LEFT JOIN read_csv('{countries}', all_varchar = true) AS c
            ON c.country_code = upper(trim(r.country_code::VARCHAR))"""
    )
    con.execute(
        "CREATE TABLE good AS SELECT * EXCLUDE (country_ok, year_ok, counts_ok) FROM checked "
        "WHERE country_ok AND year_ok AND counts_ok"
    )
    con.execute(
        """CREATE TABLE quarantine AS
        SELECT * EXCLUDE (country_ok, year_ok, counts_ok), list_filter([
            CASE WHEN NOT country_ok THEN 'unknown country_code' END,
            CASE WHEN NOT year_ok THEN 'bad start_year' END,
            CASE WHEN NOT counts_ok THEN 'bad count' END], m -> m IS NOT NULL) AS reasons
        FROM checked WHERE NOT (country_ok AND year_ok AND counts_ok)"""
    )
    good, bad = (
        con.execute("SELECT count(*) FROM good").fetchone()[0],
        con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
    )
    con.close()
    return {"seconds": time.perf_counter() - started, "rows_loaded": good, "rows_quarantined": bad}


def case_main(args: argparse.Namespace) -> None:
    """One case in this process; prints its figures (with peak RSS) as JSON."""
    path, database = Path(args.file), Path(args.database)
    if args.case == "floor":
        figures = run_floor(path, database)
    elif args.case == "contract-floor":
        figures = run_contract_floor(path, database)
    else:
        figures = run_loader(path, database, audit=args.case == "loader")
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def run_case(case: str, path: Path, database: Path) -> dict:
    database.unlink(missing_ok=True)
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--case",
            case,
            "--file",
            str(path),
            "--database",
            str(database),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    database.unlink(missing_ok=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "json", "xlsx"])
    parser.add_argument("--no-huge-field", dest="huge", action="store_false")
    parser.add_argument("--case", choices=["loader", "loader-no-audit", "floor", "contract-floor"])
    parser.add_argument("--file")
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.case:
        case_main(args)
        return
    figures: list[dict] = []
    head = (
        f"{'format':<6} {'rows':>8} {'loader s':>9} {'audit s':>8} {'floor s':>8} "
        f"{'ratio':>6} {'no-audit':>9} {'contract':>9} {'c/floor':>8} {'loader/c':>9} "
        f"{'quarant.':>9} {'RSS MiB':>8} {'floor RSS':>9}"
    )
    print(head)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats:
            for n in args.sizes:
                path = Path(tmp) / f"bench_{n}.{fmt}"
                started = time.perf_counter()
                write(fmt, path, n)
                generated = time.perf_counter() - started
                database = Path(tmp) / "bench.duckdb"
                floor = run_case("floor", path, database)
                contract = run_case("contract-floor", path, database)
                loader = run_case("loader", path, database)
                assert loader["rows_loaded"] + loader["rows_quarantined"] == n, loader
                assert loader["audit_passed"], loader
                assert floor["rows_quarantined"] == loader["rows_quarantined"], (floor, loader)
                assert contract["rows_quarantined"] == loader["rows_quarantined"], contract
                without_audit = loader["seconds"] - loader["audit_seconds"]
                row = {
                    "format": fmt,
                    "rows": n,
                    "file_mib": round(path.stat().st_size / 2**20, 1),
                    "generate_seconds": round(generated, 1),
                    "loader_seconds": round(loader["seconds"], 3),
                    "audit_seconds": round(loader["audit_seconds"], 3),
                    "loader_seconds_without_audit": round(without_audit, 3),
                    "floor_seconds": round(floor["seconds"], 3),
                    "ratio": round(loader["seconds"] / floor["seconds"], 2),
                    "ratio_without_audit": round(without_audit / floor["seconds"], 2),
                    "contract_floor_seconds": round(contract["seconds"], 3),
                    "contract_floor_ratio": round(contract["seconds"] / floor["seconds"], 2),
                    "loader_to_contract_floor": round(loader["seconds"] / contract["seconds"], 2),
                    "rows_quarantined": loader["rows_quarantined"],
                    "peak_rss_mib": round(loader["peak_rss_mib"]),
                    "floor_peak_rss_mib": round(floor["peak_rss_mib"]),
                }
                figures.append(row)
                print(
                    f"{fmt:<6} {n:>8} {row['loader_seconds']:>9.2f} {row['audit_seconds']:>8.2f} "
                    f"{row['floor_seconds']:>8.2f} {row['ratio']:>6.2f} "
                    f"{row['ratio_without_audit']:>9.2f} {row['contract_floor_seconds']:>9.2f} "
                    f"{row['contract_floor_ratio']:>8.2f} {row['loader_to_contract_floor']:>9.2f} "
                    f"{row['rows_quarantined']:>9} "
                    f"{row['peak_rss_mib']:>8} {row['floor_peak_rss_mib']:>9}",
                    flush=True,
                )
                path.unlink()
        huge = None
        if args.huge:
            path = Path(tmp) / "huge_field.csv"
            write_huge_field(path)
            result = run_case("loader", path, Path(tmp) / "bench.duckdb")
            huge = {
                "file_mib": round(path.stat().st_size / 2**20),
                "seconds": round(result["seconds"], 2),
                "peak_rss_mib": round(result["peak_rss_mib"]),
                "rows_loaded": result["rows_loaded"],
                "rows_quarantined": result["rows_quarantined"],
                "raw_record_kept_chars": result["longest_raw_record_kept"],
                "raw_record_length": result["longest_raw_record_length"],
                "reasons": result["reasons"],
            }
            print(f"one {huge['file_mib']} MiB field: {json.dumps(huge)}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "programme-records ingest (write, contract check, GE audit, publish) "
                "per file, against bare DuckDB (read + countries join + year/count rules + good "
                "and quarantine tables) on the same file in the same run; also the contract "
                "floor (bare DuckDB running the contract's own validation SQL on the file read "
                "whole, no line numbers, metadata or audit); RSS per case (separate subprocesses)",
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "cores": os.cpu_count(),
                "load_average_at_end": os.getloadavg()[0],
                "results": figures,
                "huge_field": huge,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
