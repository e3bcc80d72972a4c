"""The World Bank part of `make run`: the bundled demo API responses
(`sample_data/worldbank/api_demo.yaml`, Ghana, Kenya, Nepal and their aggregates) replayed from a
free local port, and the bundled bulk CSV folder; no network. The same jobs as the UI: one run
per indicator partition (the country metadata is loaded by the first, being missing), then the
bulk CSV job. A second run changes nothing: every indicator's lastupdated is unchanged (one probe
each) and the bulk file's SHA-256 is known."""

from pathlib import Path

import dagster as dg

from sources.cassette_server import serve_cassettes

from ..run_failures import failure_message
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


def run_worldbank(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    log_level: str = "INFO",
    tags: dict[str, str] | None = None,
    outcome=None,
    cassette: Path = DEMO_CASSETTE,
    indicators: list[str] | None = None,
) -> dict[str, dict]:
    """Serve the demo, run each indicator partition (or only `indicators`, then no bulk job)
    and the bulk job. Returns per run key
    (indicator code, or `bulk_csv`) -> {ok, status, error}; with `outcome` (local_run's
    PipelineOutcome) a failed run is reported by `make run`."""
    outcomes: dict[str, dict] = {}
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    with serve_cassettes([cassette]) as base_url:
        resources = {"worldbank": demo_resource(defs.resources["worldbank"], base_url)}
        runs = [
            (code, load_worldbank_indicator.name, code)
            for code in indicators or worldbank_indicators.get_partition_keys()
        ]
        if indicators is None:
            runs.append(("bulk_csv", load_worldbank_bulk_csv.name, None))
        for key, job_name, partition in runs:
            run = defs.resolve_job_def(job_name).execute_in_process(
                run_config=run_config,
                instance=instance,
                partition_key=partition,
                tags=tags or {},
                resources=resources,
                raise_on_error=False,
            )
            status = instance.get_run_by_id(run.run_id).tags.get(OUTCOME_TAG)
            outcomes[key] = {
                "ok": run.success,
                "status": status or ("loaded" if run.success else "failed"),
                "error": None if run.success else failure_message(run),
            }
    if outcome is not None:
        from ..local_run import FileOutcome

        for key, result in outcomes.items():
            if result["ok"] and result["status"] == "unchanged":
                continue  # nothing new: not an ingest (a second make run reports none)
            outcome.ingested[f"worldbank:{key}"] = FileOutcome(file=f"World Bank {key}", **result)
    return outcomes
