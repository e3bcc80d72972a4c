"""Benchmark: load OpenAlex page files into DuckDB with the literature loader.

Builds a corpus of OpenAlex-shaped works (default 200,000) from the genuine recorded work
(LT_SHARED_DATA_DIR/openalex/W2741809807.json, reduced to the fields the connector selects,
with varied ids, titles, DOIs, years and updated dates) as 200-work page files with a run
manifest, exactly as the connector stores them. Then prints and writes to
bench/results/literature.json:
- works per second through `load_literature_pages` (full load into a fresh DuckDB file);
- the ratio of that time to a bare DuckDB `read_json` of the same files (same typed columns,
  unnested into a table; mean of one run before and one after the load) in the same run;
- the time of an incremental load adding 1% new works (a new run folder), relative to the full
  load;
- peak resident memory (resource.getrusage) of the process that ran the load: each phase runs
  in its own fresh process, so the load's figure does not include the bare read_json's.
  The load runs within LT_LITERATURE_LOAD_MEMORY_LIMIT (default 1GB; "none" for DuckDB's
  default of 80% of RAM, which peaked at 3.6 GB).

Run: `.venv/bin/python bench/literature_benchmark.py [--works 200000] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from sources.literature.loader import (
    MAX_PAGE_BYTES,
    load_literature_pages,
    memory_limit_from_env,
)
from sources.literature.raw_schema import OPENALEX_PAGE_COLUMNS
from sources.literature.raw_store import RawStore
from sources.openalex import SELECT_FIELDS

REPO_ROOT = Path(__file__).resolve().parents[1]
PER_PAGE = 200


def real_work() -> dict:
    data_dir = Path(os.environ.get("LT_SHARED_DATA_DIR") or REPO_ROOT.parent / "shared" / "data")
    work = json.loads((data_dir / "openalex" / "W2741809807.json").read_text(encoding="utf-8"))
    return {field: work[field] for field in SELECT_FIELDS}


def work_template() -> str:
    """The real work as JSON text with markers where each generated work differs."""
    work = real_work()
    work.update(
        id="https://openalex.org/W@ID@",
        doi="https://doi.org/10.5555/bench.@ID@",
        title=work["title"] + " @ID@",
        display_name=work["title"] + " @ID@",
        publication_year=1111,
        updated_date="2026-@MM@-01T00:00:00.000000",
    )
    return json.dumps(work).replace("1111", "@YEAR@", 1)


def write_corpus(root: Path, run_id: str, first: int, count: int) -> None:
    template = work_template()
    writer = RawStore(root).start_run("openalex", "bench", run_id, {"benchmark": True})
    for start in range(first, first + count, PER_PAGE):
        numbers = range(start, min(start + PER_PAGE, first + count))
        works = ",".join(
            template.replace("@ID@", str(10_000_000 + n))
            .replace("@YEAR@", str(1990 + n % 36))
            .replace("@MM@", f"{1 + n % 12:02d}")
            for n in numbers
        )
        meta = {
            "count": count,
            "db_response_time_ms": 30,
            "page": None,
            "per_page": PER_PAGE,
            "next_cursor": f"c{start + PER_PAGE}",
            "groups_count": None,
        }
        body = f'{{"meta":{json.dumps(meta)},"results":[{works}],"group_by":[]}}'.encode()
        writer.write_page(
            position=f"c{start}",
            url="https://api.openalex.org/works",
            body=body,
            records=len(numbers),
        )


def bare_read_json(database: Path, root: Path) -> tuple[float, int]:
    """Plain DuckDB (default settings) reading the same files with the same typed columns."""
    files = sorted(str(p) for p in root.glob("openalex/bench/*/page-*.json"))
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in OPENALEX_PAGE_COLUMNS.items()) + "}"
    con = duckdb.connect(str(database))
    started = time.perf_counter()
    con.execute(
        f"""CREATE OR REPLACE TABLE bare AS
            SELECT unnest(results) AS r
            FROM read_json($files, columns = {columns}, maximum_object_size = {MAX_PAGE_BYTES})""",
        {"files": files},
    )
    seconds = time.perf_counter() - started
    (rows,) = con.execute("SELECT count(*) FROM bare").fetchone()
    con.execute("DROP TABLE bare")
    con.close()
    return seconds, rows


def pipeline_load(database: Path, root: Path) -> tuple[float, int, int]:
    """`load_literature_pages` into the warehouse file: seconds, works loaded, total works."""
    con = duckdb.connect(str(database))
    # DuckDB's Python client imports pandas and numpy on the first bound parameter (~2 s on
    # this machine): done before the clock starts, as in a Dagster process that has them.
    con.execute("SELECT ?", [0])
    started = time.perf_counter()
    result = load_literature_pages(con, root)
    seconds = time.perf_counter() - started
    (total,) = con.execute("SELECT count(*) FROM raw.openalex_works").fetchone()
    con.close()
    return seconds, result.openalex_works, total


def _measure(queue, function, args) -> None:
    value = function(*args)
    queue.put((value, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def in_child(function, *args):
    """Run one phase in a fresh process: (its return value, its peak RSS in MB), so each
    phase's memory is measured on its own."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(queue, function, args))
    process.start()
    value, peak_mb = queue.get()
    process.join()
    if process.exitcode:
        raise RuntimeError(f"{function.__name__} failed with exit code {process.exitcode}")
    return value, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    args = parser.parse_args()
    work_dir = args.keep or Path(tempfile.mkdtemp(prefix="lt_literature_bench_"))
    raw = work_dir / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    increment = max(1, args.works // 100)
    try:
        started = time.perf_counter()
        write_corpus(raw, "run-full", 0, args.works)
        build_seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in raw.rglob("page-*.json"))

        database = work_dir / "bench.duckdb"
        bare_database = work_dir / "bare.duckdb"
        database.unlink(missing_ok=True)
        (bare_before, bare_rows), bare_peak_before = in_child(bare_read_json, bare_database, raw)
        assert bare_rows == args.works
        (full_seconds, loaded, _), full_peak = in_child(pipeline_load, database, raw)
        assert loaded == args.works, loaded
        (bare_after, _), bare_peak_after = in_child(bare_read_json, bare_database, raw)
        bare_seconds = (bare_before + bare_after) / 2  # before and after: same cache state

        write_corpus(raw, "run-incremental", args.works, increment)
        (incremental_seconds, added, total), incremental_peak = in_child(
            pipeline_load, database, raw
        )
        assert added == increment, added
    finally:
        if args.keep is None:
            shutil.rmtree(work_dir, ignore_errors=True)

    results = {
        "works": args.works,
        "pages": -(-args.works // PER_PAGE),
        "corpus_bytes": size,
        "corpus_build_seconds": round(build_seconds, 2),
        "full_load_seconds": round(full_seconds, 2),
        "works_per_second": round(args.works / full_seconds),
        "bare_read_json_seconds": round(bare_seconds, 2),
        "loader_to_bare_read_json_ratio": round(full_seconds / bare_seconds, 2),
        "incremental_new_works": increment,
        "incremental_load_seconds": round(incremental_seconds, 2),
        "incremental_to_full_ratio": round(incremental_seconds / full_seconds, 4),
        "works_after_incremental": total,
        "peak_rss_mb": round(max(full_peak, incremental_peak)),
        "peak_rss_mb_full_load": round(full_peak),
        "peak_rss_mb_incremental_load": round(incremental_peak),
        "peak_rss_mb_bare_read_json": round(max(bare_peak_before, bare_peak_after)),
        "load_memory_limit": memory_limit_from_env() or "duckdb default (80% of RAM)",
        "duckdb_version": duckdb.__version__,
        "cpu_count": os.cpu_count(),
    }
    for key, value in results.items():
        print(f"{key:34} {value}")
    out = REPO_ROOT / "bench" / "results" / "literature.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
