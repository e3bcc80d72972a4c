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

from .settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, REPO_ROOT, SAMPLE_DATA_DIR, Settings

os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / "dagster_home"))
for _variable, _value in (
    ("DO_NOT_TRACK", "1"),
    ("GX_ANALYTICS_ENABLED", "false"),
    ("DBT_SEND_ANONYMOUS_USAGE_STATS", "false"),
):
    os.environ.setdefault(_variable, _value)


def prepare() -> None:
    """Parse the dbt project so Dagster can load its manifest (never done at import)."""
    import subprocess

    subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        check=True,
    )


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
    """Deliver the bundled sample files into the sample organisation's landing folder (those not
    already there)."""
    folder = settings.landing_dir / SAMPLE_ORGANISATION
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for sample in sorted(SAMPLE_DATA_DIR.iterdir()):
        if sample.suffix.lower() in {".csv", ".xlsx", ".json"}:
            target = folder / sample.name
            if not target.exists():
                shutil.copyfile(sample, target)
                copied.append(sample.name)
    return copied


def run_pipeline(settings: Settings, log_level: str = "WARNING") -> bool:
    """Run everything once on this machine, recording the runs in DAGSTER_HOME."""
    import dagster as dg

    from .definitions import build_definitions
    from .local_run import run_pipeline as run

    outcome = run(build_definitions(settings), dg.DagsterInstance.get(), log_level=log_level)
    for run_id in outcome.released_runs:
        print(f"marked interrupted run {run_id} as failed and freed its warehouse-pool slot")
    for file_outcome in outcome.ingested.values():
        if file_outcome.ok:
            print(f"ingest {file_outcome.file}: {file_outcome.status}")
        else:
            print(f"ingest {file_outcome.file}: NEEDS ATTENTION: {file_outcome.error}")
    if outcome.skip_reason:
        print(f"landing sensor: {outcome.skip_reason}")
    failed = outcome.failed_checks
    if outcome.build_ok:
        print("build_warehouse: ok (candidate promoted, published copy updated)")
    else:
        print(
            "build_warehouse: FAILED, the live warehouse and the published copy are unchanged"
            + (f" (failed checks: {', '.join(failed)})" if failed else "")
        )
    if not outcome.success:
        print("what to do: python -m pipelines.cli landing status   (then retry or discard)")
    return outcome.success


def landing(argv: list[str]) -> int:
    """`landing status|retry|discard|rebuild`: see pipelines/programme_records/admin.py."""
    import dagster as dg

    from .definitions import build_definitions
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
    instance = dg.DagsterInstance.get()
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
        default=os.environ.get("LT_LOG_LEVEL", "WARNING"),
        help="run: Dagster log level printed while running (default WARNING)",
    )
    parser.add_argument(
        "--no-sample",
        action="store_true",
        help="run: do not copy the bundled sample files into the landing folder",
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
        prepare()
        if not args.no_sample:
            copied = copy_sample_files(settings)
            if copied:
                print(f"copied sample files into {settings.landing_dir}: {', '.join(copied)}")
            if copy_literature_sample(settings):
                print(f"copied demo literature pages into {settings.literature_raw_dir}")
        ok = run_pipeline(settings, args.log_level.upper())
    else:
        ok = True
    from .summary import summarise

    published = settings.publish_dir / settings.warehouse_path.name
    print(summarise(published if published.exists() else settings.warehouse_path))
    if args.command == "run":
        print(f"pipeline {'finished' if ok else 'FAILED'} in {time.perf_counter() - started:.1f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
