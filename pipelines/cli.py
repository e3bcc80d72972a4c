"""Command line: `python -m pipelines.cli run|prepare|summary|data-docs`.

`run` is the README's first command: it runs the whole pipeline on the embedded default
(bundled sample files copied into the landing folder, the DuckDB file under warehouse/, no
server, no network) through the same sensor, jobs and checks the Dagster UI uses, recording the
runs in the Dagster instance (DAGSTER_HOME), then prints what landed in the marts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

from .instance import default_dagster_home
from .settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, REPO_ROOT, SAMPLE_DATA_DIR, Settings

os.environ.setdefault("DAGSTER_HOME", str(default_dagster_home()))
for _variable, _value in (
    ("DO_NOT_TRACK", "1"),
    ("GX_ANALYTICS_ENABLED", "false"),
    ("DBT_SEND_ANONYMOUS_USAGE_STATS", "false"),
):
    os.environ.setdefault(_variable, _value)


def prepare() -> None:
    """Parse the dbt project so Dagster can load its manifest (never done at import), with the
    environment builds use, so they can parse partially."""
    import subprocess

    from .warehouse.build_inputs import manifest_is_stale
    from .warehouse.candidate import dbt_env

    if not manifest_is_stale():
        return  # no project file changed since the last parse

    parsed = subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **dbt_env(Settings.from_env().builds_dir)},
    )
    if parsed.returncode != 0:
        raise SystemExit(f"dbt parse failed:\n{parsed.stdout}{parsed.stderr}")


SAMPLE_ORGANISATION = "learning-teams-sample"
"""The landing folder the bundled sample is delivered into (its submitting organisation)."""


LITERATURE_SAMPLE_DIR = REPO_ROOT / "sample_data" / "literature"


def copy_literature_sample(settings: Settings) -> bool:
    """Put the bundled demo OpenAlex/ERIC pages into the literature raw store (once)."""
    copied = False
    for source in ("openalex", "eric"):
        target = settings.literature_raw_dir / source
        if not target.exists():
            shutil.copytree(LITERATURE_SAMPLE_DIR / source, target)
            copied = True
    return copied


def copy_sample_files(settings: Settings) -> list[str]:
    """Deliver the bundled sample files into the sample organisation's landing folder: those
    neither waiting there nor delivered before (the archive knows them by their bytes)."""
    from sources.programme_records.archive import first_delivery, sha256_of

    folder = settings.landing_dir / SAMPLE_ORGANISATION
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for sample in sorted(SAMPLE_DATA_DIR.iterdir()):
        if sample.suffix.lower() not in {".csv", ".xlsx", ".json"}:
            continue
        target = folder / sample.name
        delivered = first_delivery(settings.archive_dir, SAMPLE_ORGANISATION, sha256_of(sample))
        if not target.exists() and delivered is None:
            shutil.copyfile(sample, target)
            copied.append(sample.name)
    return copied


def run_pipeline(
    settings: Settings, display, log_level: str = "ERROR", reports: bool = True
) -> bool:
    """Run everything once on this machine, recording the runs in DAGSTER_HOME; print one line
    per step and a summary. Returns False when anything needs attention."""
    from .definitions import build_definitions
    from .instance import open_instance
    from .make_run.driver import run_pipeline as run
    from .make_run.progress import show_progress
    from .make_run.sensor_ticks import set_console_level

    set_console_level(log_level)  # every event of the runs is in the run log file anyway
    with show_progress(display):
        outcome = run(
            build_definitions(settings),
            open_instance(),
            log_level,
            display=display,
            reports=reports,
        )
    for run_id in outcome.released_runs:
        print(f"marked interrupted run {run_id} as failed and freed its warehouse-pool slot")
    print(run_summary(settings, outcome))
    return outcome.success


def run_summary(settings: Settings, outcome) -> str:
    """Per file what happened (with counts and the top reasons), the build, where the detail is,
    and what to do when something needs attention."""
    from .make_run.summary import grouped_lines, landing_notes, published_totals

    lines = ["", "Summary"]
    by_kind: dict[str, dict[str, int]] = {}
    for key, file_outcome in outcome.ingested.items():
        kind = {"sector_plans": "sector plans", "worldbank": "World Bank loads"}.get(
            key.split(":", 1)[0], "files"
        )
        status = (file_outcome.status or "ok") if file_outcome.ok else "needs attention"
        counts = by_kind.setdefault(kind, {})
        counts[status] = counts.get(status, 0) + 1
    for note in landing_notes(settings.archive_dir, since=outcome.started_at):
        lines.append(f"  {note}")
    for kind, counts in sorted(by_kind.items()):
        listed = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
        lines.append(f"  {kind} this run: {listed}")
    attention = [(o.file, o.cause) for o in outcome.needs_attention]
    lines += [f"  {line}" for line in grouped_lines("NEEDS ATTENTION", attention)]
    plan = outcome.build_plan
    if plan is not None and plan.kind == "none":
        lines.append(f"  build: skipped, {plan.reason} (dbt not run)")
    elif outcome.build_ok:
        lines.append("  build: ok, candidate promoted and published copy updated")
    else:
        failed = ", ".join(outcome.failed_checks)
        lines.append(
            "  build: FAILED, the live warehouse and the published copy are unchanged"
            + (f" (failed checks: {failed})" if failed else "")
        )
    published = settings.publish_dir / settings.warehouse_path.name
    lines.append(f"  {published_totals(published, settings.warehouse_path)}")
    if outcome.reports is not None:
        index = settings.reports_dir / "index.html"
        lines.append(
            f"  reports: {_relative(index)} (pictures, CSV/XLSX exports)"
            if outcome.reports.success
            else "  reports: FAILED (see the run log); the published copy is fine"
        )
    lines.append(f"  detail: {_relative(outcome.log_file)}")
    dbt_log = settings.log_dir / "dbt" / f"{outcome.build.run_id}.log" if outcome.build else None
    if dbt_log is not None and dbt_log.exists():
        lines.append(f"  dbt output: {_relative(dbt_log)}")
    if not outcome.success:
        lines.append(
            "  what to do: python -m pipelines.cli landing status   (then retry or discard)"
        )
    return "\n".join(lines)


def _relative(path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def landing(argv: list[str]) -> int:
    """`landing status|retry|discard|rebuild`: see pipelines/programme_records/admin.py."""
    from .definitions import build_definitions
    from .instance import open_instance
    from .programme_records import admin as landing_admin

    parser = argparse.ArgumentParser(
        prog="python -m pipelines.cli landing",
        description=landing_admin.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=["status", "retry", "discard", "rebuild"])
    parser.add_argument("file", nargs="?", help="retry/discard: the delivery")
    parser.add_argument("-r", "--reason", help="discard: why (kept with the file's record)")
    args = parser.parse_args(argv)
    if args.action in ("retry", "discard") and not args.file:
        parser.error(f"{args.action} needs FILE")
    if args.action == "discard" and not args.reason:
        parser.error("discard needs --reason")
    defs = build_definitions(Settings.from_env())
    instance = open_instance()
    if args.action == "status":
        lines = landing_admin.status_lines(defs, instance)
        print("\n".join(lines) if lines else "nothing needs attention")
        return 1 if lines else 0
    prepare()
    if args.action == "retry":
        ok = landing_admin.retry(defs, instance, args.file)
    elif args.action == "discard":
        ok = landing_admin.discard(defs, instance, args.file, args.reason)
    else:
        ok = landing_admin.rebuild(defs, instance)
    print("done" if ok else "FAILED: see python -m pipelines.cli landing status")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["landing"]:
        return landing(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m pipelines.cli", description=__doc__)
    parser.add_argument("command", choices=["run", "prepare", "summary", "data-docs", "landing"])
    parser.add_argument(
        "--log-level",
        default=os.environ.get("LT_LOG_LEVEL", "ERROR"),
        help="run: Dagster log level printed while running (default ERROR; every event is in "
        "the run log file anyway)",
    )
    parser.add_argument(
        "--no-sample",
        action="store_true",
        help="run: do not copy the bundled sample files into the landing folder",
    )
    parser.add_argument(
        "--no-reports",
        action="store_true",
        help="run: publish without drawing the reports (pictures, exports); the next run "
        "that publishes, or finds none, draws them",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    started = time.perf_counter()
    if args.command == "prepare":
        prepare()
        return 0
    if args.command == "data-docs":
        from expectations.report import main as quality_report

        return quality_report()
    if args.command == "run":
        from .make_run.progress import Display

        display = Display()
        with display.step("prepare dbt project"):
            prepare()
        if not args.no_sample:
            with display.step("deliver bundled sample") as step:
                copied = copy_sample_files(settings)
                literature = copy_literature_sample(settings)
                step.detail = (
                    f"{len(copied)} programme-records file(s)" if copied else "already delivered"
                ) + (", demo literature pages" if literature else "")
        ok = run_pipeline(settings, display, args.log_level.upper(), not args.no_reports)
        verdict = "finished" if ok else "finished, NEEDS ATTENTION"
        print(f"pipeline {verdict} in {time.perf_counter() - started:.1f}s")
        return 0 if ok else 1
    from .make_run.summary import summarise

    # The live file (read-only, waiting a little if a run holds it): the file statuses and
    # quarantined lines it lists are not in the published copy, which holds marts only.
    print(summarise(settings.warehouse_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
