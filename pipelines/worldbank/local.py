"""The World Bank part of `make run`: the bundled demo API responses
(`sample_data/worldbank/api_demo.yaml`, Ghana, Kenya, Nepal and their aggregates) replayed from a
free local port, and the bundled bulk CSV folder; no network. The same jobs as the UI: one run
per indicator partition with something new (the country metadata is loaded by the first, being
missing), then the bulk CSV job if a file is new. A second run launches none: every indicator's
lastupdated is unchanged (one probe each, before any run) and the bulk file's SHA-256 is known."""

from pathlib import Path

import dagster as dg

from sources.cassette_server import serve_cassettes
from sources.worldbank.economies import metadata_due
from sources.worldbank.loader import UNCHANGED
from sources.worldbank.news import bulk_files_with_news, indicators_with_news

from ..operations.run_failures import failure_message
from ..settings import REPO_ROOT
from .assets import OUTCOME_TAG
from .jobs import load_worldbank_bulk_csv, load_worldbank_indicator
from .partitions import worldbank_indicators
from .resources import WorldBankResource

DEMO_DIR = REPO_ROOT / "sample_data" / "worldbank"
DEMO_CASSETTE = DEMO_DIR / "api_demo.yaml"
DEMO_BULK_DIR = DEMO_DIR / "bulk"
DEMO_COUNTRIES = "GHA;KEN;LMC;NPL;SAS;SSF;WLD"


def demo_resource(worldbank: WorldBankResource, base_url: str) -> WorldBankResource:
    """The configured resource pointed at the local demo server and the demo bulk folder."""
    return WorldBankResource(
        **{
            **worldbank.model_dump(),
            "base_url": base_url,
            "countries": DEMO_COUNTRIES,
            "date": "",
            "per_page": 1000,
            "bulk_dir": worldbank.bulk_dir or str(DEMO_BULK_DIR),
            "min_interval_seconds": 0.0,
        }
    )


def what_is_new(
    defs: dg.Definitions, worldbank: WorldBankResource, codes: list[str], bulk: bool = True
) -> tuple[list[str], bool]:
    """The indicators worth a run (sources/worldbank/news.py; the first one as well when the
    country metadata is due, as its run refreshes it) and, with `bulk`, whether the bulk folder
    has a file not loaded yet."""
    warehouse = defs.resources["warehouse"]
    if not warehouse.is_lake and not warehouse.live_path.exists():
        return list(codes), bulk
    with warehouse.connect(read_only=True) as con:
        news = indicators_with_news(con, worldbank.client(), worldbank.settings, codes)
        if codes and not news and metadata_due(con, worldbank.settings):
            news = list(codes[:1])
        new_files = bulk and bool(bulk_files_with_news(con, worldbank.bulk_path))
    return news, new_files


def run_worldbank(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    log_level: str = "INFO",
    tags: dict[str, str] | None = None,
    outcome=None,
    cassette: Path = DEMO_CASSETTE,
    indicators: list[str] | None = None,
) -> dict[str, dict]:
    """Serve the demo, run each indicator partition with something new (or only those of
    `indicators`, then no bulk job) and the bulk job if a file is new. Returns per key
    (indicator code, or `bulk_csv`) -> {ok, status, error, ran}: an indicator or bulk folder
    with nothing new is `unchanged` without a run. With `outcome` (the make run driver's
    PipelineOutcome) a failed run is reported by `make run`."""
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    unchanged = {"ok": True, "status": UNCHANGED, "error": None, "ran": False}
    with serve_cassettes([cassette]) as base_url:
        worldbank = demo_resource(defs.resources["worldbank"], base_url)
        codes = indicators or worldbank_indicators.get_partition_keys()
        news, new_files = what_is_new(defs, worldbank, codes, bulk=indicators is None)
        runs = [(code, load_worldbank_indicator.name, code) for code in news]
        if new_files:
            runs.append(("bulk_csv", load_worldbank_bulk_csv.name, None))
        outcomes: dict[str, dict] = {
            key: dict(unchanged) for key in [*codes, *([] if indicators else ["bulk_csv"])]
        }
        for key, job_name, partition in runs:
            run = defs.resolve_job_def(job_name).execute_in_process(
                run_config=run_config,
                instance=instance,
                partition_key=partition,
                tags=tags or {},
                resources={"worldbank": worldbank},
                raise_on_error=False,
            )
            status = instance.get_run_by_id(run.run_id).tags.get(OUTCOME_TAG)
            outcomes[key] = {
                "ok": run.success,
                "status": status or ("loaded" if run.success else "failed"),
                "error": None if run.success else failure_message(run),
                "ran": True,
            }
    if outcome is not None:
        from ..make_run.driver import FileOutcome

        for key, result in outcomes.items():
            if result["ok"] and result["status"] == UNCHANGED:
                continue  # nothing new: not an ingest (a second make run reports none)
            outcome.ingested[f"worldbank:{key}"] = FileOutcome(
                file=f"World Bank {key}",
                ok=result["ok"],
                status=result["status"],
                error=result["error"],
            )
    return outcomes
