"""Benchmark of the pipeline around the loader: what issue 9 asks to be measured, in one table.

- sensor: one landing-sensor tick over a folder that has received 10 files vs 10,000 (all seen
  before, so the tick finds nothing new), through the real sensor code and a Dagster instance;
- make run: the first run on a fresh warehouse, then a run with nothing new (no dbt work), then
  a run after one new one-record file (partial build);
- latency: with `make ui` (dagster dev) running, a one-record file dropped into landing ->
  the programme in the published copy; 5 drops, median; where the time goes, from the runs;
- ingest: the loader against the bare-DuckDB floor (bench/ingest_benchmark.py; its last
  results unless --run-ingest).

Prints a table and writes bench/results/pipeline.json. Everything runs in temporary folders.
Run: `.venv/bin/python bench/pipeline_benchmark.py [--drops 5] [--run-ingest] [--skip-ui]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results" / "pipeline.json"
SAMPLE = REPO / "sample_data" / "programme_records" / "uk_partnerships_2002.csv"


def _env(root: Path, **extra: str) -> dict[str, str]:
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    wh = root / "warehouse"
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "LT_WAREHOUSE_PATH": str(wh / "learning_teams.duckdb"),
        "LT_LANDING_DIR": str(root / "landing"),
        "LT_ARCHIVE_DIR": str(wh / "archive"),
        "LT_PUBLISH_DIR": str(wh / "published"),
        "LT_BUILDS_DIR": str(wh / "builds"),
        "LT_LOG_DIR": str(wh / "logs"),
        "LT_LITERATURE_RAW_DIR": str(wh / "raw" / "literature"),
        "DO_NOT_TRACK": "1",
        **extra,
    }


def one_record_csv(path: Path, ref: str) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    record = next(line for line in lines if line.startswith("GBR-BEDS-SIP,"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(f"{lines[0]}\n{record.replace('GBR-BEDS-SIP,', f'{ref},', 1)}\n")
    tmp.replace(path)


# --- sensor ---------------------------------------------------------------------------------


def sensor_tick_seconds(files: int, repeats: int = 5) -> dict:
    """Median seconds of a tick over a landing folder holding `files` already-seen files."""
    import dagster as dg

    from pipelines.make_run.sensor_ticks import sensor_context, set_console_level
    from pipelines.programme_records.resources import LandingResource
    from pipelines.programme_records.sensor import evaluate_landing

    set_console_level("WARNING")  # the sensor logs each new file

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        landing = LandingResource(
            landing_dir=str(root / "landing"), archive_dir=str(root / "archive"), settle_seconds=0
        )
        for i in range(files):
            org = root / "landing" / f"org-{i % 20:02d}"
            org.mkdir(parents=True, exist_ok=True)
            (org / f"file_{i:05d}.csv").write_text(f"programme_ref\nREF-{i}\n")
        with dg.instance_for_test() as instance:
            with sensor_context(instance) as context:
                first = evaluate_landing(context, landing)
            for request in first.run_requests:  # the runs the daemon creates for the requests
                tags = dict(request.tags)
                if request.partition_key:
                    tags["dagster/partition"] = request.partition_key
                instance.add_run(dg.DagsterRun(job_name=request.job_name, tags=tags))
            with sensor_context(instance, first.cursor) as context:
                settled = evaluate_landing(context, landing)  # sees every delivery has its run
            cursor = settled.cursor
            times = []
            for _ in range(repeats):
                with sensor_context(instance, cursor) as context:
                    started = time.perf_counter()
                    result = evaluate_landing(context, landing)
                    times.append(time.perf_counter() - started)
                assert not result.run_requests, "a tick over seen files requested runs"
                cursor = result.cursor
    return {"files": files, "tick_seconds": statistics.median(times), "cursor_bytes": len(cursor)}


# --- make run -------------------------------------------------------------------------------


def timed_make_run(env: dict, *args: str) -> tuple[float, str, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, done.stdout + done.stderr, done.returncode


def make_run_figures() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = _env(root)
        first, out_first, code_first = timed_make_run(env)
        again, out_again, code_again = timed_make_run(env)
        one_record_csv(root / "landing" / "bench-partner" / "one.csv", "GBR-BENCH-0001")
        partial, out_partial, code_partial = timed_make_run(env, "--no-sample")
    assert code_first == code_again == code_partial == 0, out_first + out_again + out_partial
    assert "dbt not run" in out_again, out_again
    return {
        "first_run_seconds": round(first, 1),
        "no_change_run_seconds": round(again, 1),
        "one_new_file_run_seconds": round(partial, 1),
        "first_run_output_lines": len(out_first.strip().splitlines()),
        "no_change_output": out_again.strip().splitlines()[-8:],
        "partial_build_line": next(
            (line for line in out_partial.splitlines() if "build (" in line), ""
        ),
    }


# --- latency under dagster dev --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _published_has(published: Path, ref: str) -> bool:
    if not published.exists():
        return False
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            return (
                con.execute(
                    "SELECT count(*) FROM marts.dim_programme WHERE programme_ref = ?", [ref]
                ).fetchone()[0]
                > 0
            )
    except duckdb.Error:
        return False  # being replaced at this instant


STEP_EVENTS = ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE")


def _run_timings(home: Path) -> list[dict]:
    """Every run the UI's daemon launched: created/start/end and each step's seconds."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        rows = []
        for record in instance.get_run_records():
            run_id = record.dagster_run.run_id
            started: dict[str, float] = {}
            steps: dict[str, float] = {}
            for entry in instance.all_logs(run_id):
                event = entry.dagster_event
                if event is None or event.event_type_value not in STEP_EVENTS:
                    continue
                if event.event_type_value == "STEP_START":
                    started[event.step_key] = entry.timestamp
                elif event.step_key in started:
                    steps[event.step_key] = entry.timestamp - started[event.step_key]
            rows.append(
                {
                    "job": record.dagster_run.job_name,
                    "created": record.create_timestamp.timestamp(),
                    "start": record.start_time,
                    "end": record.end_time,
                    "status": record.dagster_run.status.value,
                    "steps": steps,
                }
            )
    return sorted(rows, key=lambda r: r["created"])


def _step_group(step_key: str) -> str:
    if step_key == "raw_programme_records":
        return "ingest step (read, contract, GE audit, publish to raw)"
    if step_key == "warehouse_dbt_assets":
        return "dbt step (candidate copy, dbt build, row counts)"
    if step_key == "published__warehouse":
        return "publish step (promote, Parquet, copy)"
    if "_ge_" in step_key:
        return "GE mart checks"
    return "other steps (landing journal, file check)"


def _breakdown(drop: dict, mine: list[dict]) -> None:
    """Where one drop's time went, from the runs created between its drop and its publish."""
    fast = next((r for r in mine if r["job"] == "ingest_and_publish_programme_records"), None)
    if fast and fast["start"] and fast["end"]:
        drop["path"] = "one run (ingest and publish)"
        drop["sensor sees the file (tick, settle)"] = fast["created"] - drop["dropped"]
        drop["run queued, process start, imports"] = fast["start"] - fast["created"]
        groups: dict[str, float] = {}
        for step, seconds in fast["steps"].items():
            groups[_step_group(step)] = groups.get(_step_group(step), 0.0) + seconds
        drop.update(groups)
        drop["run bookkeeping between steps"] = (
            fast["end"] - fast["start"] - sum(fast["steps"].values())
        )
        drop["run end -> seen in the published copy"] = drop["published"] - fast["end"]
        return
    ingest = next((r for r in mine if r["job"] == "ingest_programme_records"), None)
    build = next((r for r in mine if r["job"] in ("__ASSET_JOB", "build_warehouse")), None)
    if ingest and build and ingest["start"] and build["start"]:
        drop["path"] = "ingest run, then a build run"
        drop["sensor sees the file (tick, settle)"] = ingest["created"] - drop["dropped"]
        drop["ingest run queued, process start, imports"] = ingest["start"] - ingest["created"]
        drop["ingest run"] = ingest["end"] - ingest["start"]
        drop["build requested"] = build["created"] - ingest["end"]
        drop["build run queued, process start, imports"] = build["start"] - build["created"]
        drop["build run -> published"] = drop["published"] - build["start"]


def latency_figures(drops: int, timeout: float = 300.0) -> dict:
    """Drop `drops` one-record files, one at a time, with `dagster dev` running."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = _env(root)
        # The first build (everything) before the clock starts: the drops measure the steady state.
        _, out, code = timed_make_run(env)
        assert code == 0, out
        port = _free_port()
        log = (root / "dagster_dev.log").open("w")
        ui = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "dagster"),
                "dev",
                "--port",
                str(port),
                "--log-level",
                "warning",  # as `make ui`
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        published = Path(env["LT_PUBLISH_DIR"]) / "learning_teams.duckdb"
        results = []
        try:
            time.sleep(20)  # the daemon and its sensors start
            for i in range(drops):
                ref = f"GBR-LATENCY-{i:03d}"
                dropped = time.time()
                one_record_csv(root / "landing" / "latency-partner" / f"drop_{i}.csv", ref)
                while not _published_has(published, ref):
                    if time.time() - dropped > timeout:
                        raise TimeoutError(f"{ref} not published after {timeout}s")
                    time.sleep(0.25)
                results.append({"ref": ref, "dropped": dropped, "published": time.time()})
                time.sleep(3)
            time.sleep(30)  # let the last runs finish, then count what an idle minute prints
            log.flush()
            before = len((root / "dagster_dev.log").read_text(errors="replace").splitlines())
            time.sleep(60)
            log.flush()
            after = len((root / "dagster_dev.log").read_text(errors="replace").splitlines())
        finally:
            os.killpg(ui.pid, 15)
            ui.wait(timeout=60)
            log.close()
        runs = _run_timings(Path(env["DAGSTER_HOME"]))
    for drop in results:
        drop["seconds"] = drop["published"] - drop["dropped"]
        _breakdown(drop, [r for r in runs if drop["dropped"] <= r["created"] <= drop["published"]])
    skip = {"ref", "dropped", "published", "seconds", "path"}
    keys = list(dict.fromkeys(k for d in results for k in d if k not in skip))
    breakdown = {k: round(statistics.median([d[k] for d in results if k in d]), 1) for k in keys}
    return {
        "idle_log_lines_per_minute": after - before,
        "drops": len(results),
        "median_seconds": round(statistics.median(d["seconds"] for d in results), 1),
        "each_seconds": [round(d["seconds"], 1) for d in results],
        "paths": [d.get("path", "unknown") for d in results],
        "median_breakdown_seconds": breakdown,
    }


# --- ingest ---------------------------------------------------------------------------------


def ingest_figures(rerun: bool) -> dict | None:
    """The loader against the bare-DuckDB floor: bench/ingest_benchmark.py (re-run with
    --run-ingest: about 10 minutes for 100k and 1M rows of CSV, JSON and XLSX), else its last
    committed results."""
    path = REPO / "bench" / "results" / "ingest.json"
    if rerun:
        subprocess.run([sys.executable, str(REPO / "bench" / "ingest_benchmark.py")], check=True)
    return json.loads(path.read_text()) if path.exists() else None


def _print_latency(latency: dict) -> None:
    print(
        f"{'drop -> published under make ui (median)':<44} "
        f"{latency['median_seconds']:8.1f} s  each {latency['each_seconds']}"
    )
    print(f"  paths: {', '.join(sorted(set(latency['paths'])))}")
    for step, seconds in latency["median_breakdown_seconds"].items():
        print(f"  {step:<58} {seconds:6.1f} s")
    print(f"{'make ui idle log lines per minute':<44} {latency['idle_log_lines_per_minute']:8d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=5)
    parser.add_argument("--run-ingest", action="store_true", help="re-run the ingest benchmark")
    parser.add_argument("--skip-ui", action="store_true")
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="measure only the latency under dagster dev; keep the other figures of the last run",
    )
    args = parser.parse_args()

    if args.latency_only:
        figures = json.loads(RESULTS.read_text())
        figures["latency"] = latency = latency_figures(args.drops)
        figures["latency"]["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        _print_latency(latency)
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"written {RESULTS.relative_to(REPO)}")
        return 0
    figures: dict = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    figures["sensor"] = [sensor_tick_seconds(n) for n in (10, 10_000)]
    small, large = figures["sensor"]
    print(f"{'sensor tick, 10 files seen':<44} {small['tick_seconds'] * 1000:8.1f} ms")
    print(
        f"{'sensor tick, 10,000 files seen':<44} {large['tick_seconds'] * 1000:8.1f} ms  "
        f"({large['tick_seconds'] / small['tick_seconds']:.1f}x; cursor "
        f"{large['cursor_bytes'] / 1e6:.1f} MB)"
    )
    figures["make_run"] = run = make_run_figures()
    print(f"{'make run, fresh warehouse':<44} {run['first_run_seconds']:8.1f} s")
    print(f"{'make run, nothing new (dbt not run)':<44} {run['no_change_run_seconds']:8.1f} s")
    print(f"{'make run, one new one-record file':<44} {run['one_new_file_run_seconds']:8.1f} s")
    print(f"{'make run output lines (fresh)':<44} {run['first_run_output_lines']:8d}")
    if not args.skip_ui:
        figures["latency"] = latency = latency_figures(args.drops)
        _print_latency(latency)
    figures["ingest"] = ingest = ingest_figures(args.run_ingest)
    for row in (ingest or {}).get("results", []):
        print(
            f"{'ingest ' + row['format'] + ' ' + format(row['rows'], ',') + ' rows':<44} "
            f"{row['loader_seconds']:8.1f} s  floor {row['floor_seconds']:.1f} s, "
            f"{row['ratio']:.1f}x, peak RSS {row['peak_rss_mib']} MiB"
            + ("" if args.run_ingest else f"  (measured {ingest['measured_at']})")
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
