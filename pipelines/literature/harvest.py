"""Harvest: every literature query fetched from OpenAlex and ERIC into the raw store, incrementally.

One multi-asset, `harvest/openalex_pages` and `harvest/eric_pages` (subsettable), runs
`sources.literature.run.harvest_literature` query by query. It writes page files only (no
DuckDB), so it is not in the warehouse pool but in its own (`literature_harvest`, one slot: two
harvests would race on the state file); `raw/...` (raw_literature) loads them after it.

Incremental state (per source and query: OpenAlex `updated_since`, the resume cursor or offset
of a run that stopped) is the `StateFile` in the raw store, saved after every query. Why there
and not in a sensor cursor or asset metadata: a run that stops on a bad page must keep its
resume position, and asset metadata is only recorded when the step succeeds; the state
describes the page files beside it (wiping the raw store resets both together); it survives a
restart or a wiped Dagster instance; and `make run`, the CLI and the schedule read the same
file. Each materialisation also shows the states as metadata.

Full refresh is one switch: run config `ops: {harvest_literature_pages: {config:
{full_refresh: true}}}` (OpenAlex drops its `from_updated_date` filter; both start from the
first page). OpenAlex needs OPENALEX_API_KEY: without it OpenAlex fetches nothing (its
materialisation says `skipped` and why, a warning is logged and its warning-level check fails
naming the variable), and ERIC is harvested and loaded as usual.
"""

import os
from dataclasses import dataclass, field

import dagster as dg
from pydantic import Field

from sources.http_client import HttpConfig, PoliteClient
from sources.literature.harvest import HarvestResult
from sources.literature.queries import load_queries
from sources.literature.raw_store import RawStore
from sources.literature.run import harvest_literature
from sources.literature.state import StateFile
from sources.openalex import openalex_settings

from ..operations.retries import SOURCE_RETRY_POLICY
from .resources import LiteratureStoreResource

HARVEST_OP = "harvest_literature_pages"
# One harvest at a time (every pool has one slot): two would race on the state file.
HARVEST_POOL = "literature_harvest"
HARVEST_KEYS = {
    "openalex": dg.AssetKey(["harvest", "openalex_pages"]),
    "eric": dg.AssetKey(["harvest", "eric_pages"]),
}
COMPLETE_CHECK = "every_query_complete"
MISSING_OPENALEX_KEY = (
    "OpenAlex harvest skipped: OPENALEX_API_KEY is not set (a free key from "
    "https://openalex.org/settings/api); set it in the environment of the Dagster code location"
)
_DESCRIPTIONS = {
    "openalex": "OpenAlex works of every literature query, fetched since each query's last "
    "updated_date, stored as page files in the raw store (LT_LITERATURE_RAW_DIR).",
    "eric": "ERIC documents of every literature query (ERIC has no changed-since filter: a "
    "complete run fetches all again), stored as page files in the raw store.",
}


class HarvestConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Ignore the incremental states: fetch every query from its first page, "
        "OpenAlex without the from_updated_date filter.",
    )
    max_pages: int | None = Field(
        default=None, description="Stop each query after this many pages (a trial run)."
    )


@dataclass
class SourceHarvest:
    """What one source's harvest did, over every query."""

    source: str
    results: list[HarvestResult] = field(default_factory=list)
    skipped_reason: str | None = None

    @property
    def incomplete(self) -> list[HarvestResult]:
        return [r for r in self.results if r.status not in {"complete", "skipped"}]

    def metadata(self, states: dict[str, dict]) -> dict:
        return {
            "queries": len(self.results),
            "queries_incomplete": len(self.incomplete),
            "pages": sum(r.pages for r in self.results),
            "records": sum(r.records for r in self.results),
            "runs": dg.MetadataValue.md(
                "\n".join(f"- {r.summary()}" for r in self.results) or "(none)"
            ),
            "problems": dg.MetadataValue.md(
                "\n".join(f"- {p}" for r in self.results for p in r.problems) or "(none)"
            ),
            "states": dg.MetadataValue.json(
                {k: v for k, v in states.items() if k.startswith(f"{self.source}/")}
            ),
        }


def harvest_sources(
    store: RawStore,
    sources: list[str],
    *,
    full_refresh: bool = False,
    max_pages: int | None = None,
    client: PoliteClient | None = None,
    log=None,
) -> tuple[dict[str, SourceHarvest], dict[str, dict]]:
    """Harvest every configured query from `sources`, saving the state file after each query.
    OpenAlex is skipped (with the reason) when OPENALEX_API_KEY is not set."""
    state_file = StateFile.in_store(store.root)
    states = state_file.load()
    queries = load_queries()
    client = client or PoliteClient(config=HttpConfig.from_env())
    outcome = {source: SourceHarvest(source) for source in sources}
    for source in sources:
        if source == "openalex" and not openalex_settings().api_key:
            outcome[source].skipped_reason = MISSING_OPENALEX_KEY
            if log:
                log.warning(MISSING_OPENALEX_KEY)
            continue
        for query in queries:
            done = harvest_literature(
                [query],
                client=client,
                store=store,
                states=states,
                full_refresh=full_refresh,
                sources=[source],
                max_pages=max_pages,
            )
            states = done.states
            state_file.save(states)
            outcome[source].results += done.results
            if log:
                for result in done.results:
                    log.info(result.summary())
                for problem in done.problems:
                    log.warning(problem)
    return outcome, states


@dg.multi_asset(
    name=HARVEST_OP,
    specs=[
        dg.AssetSpec(key, description=_DESCRIPTIONS[source], group_name="harvest")
        for source, key in HARVEST_KEYS.items()
    ],
    check_specs=[
        dg.AssetCheckSpec(
            COMPLETE_CHECK,
            asset=key,
            description="Every query was harvested to its last page (warns on a query that "
            "stopped on a bad page or a failed request; the next run resumes there).",
        )
        for key in HARVEST_KEYS.values()
    ],
    can_subset=True,
    pool=HARVEST_POOL,
    retry_policy=SOURCE_RETRY_POLICY,
)
def harvest_literature_pages(
    context: dg.AssetExecutionContext,
    config: HarvestConfig,
    literature_store: LiteratureStoreResource,
):
    """Fetch what changed for every literature query into page files (no DuckDB)."""
    sources = [s for s, key in HARVEST_KEYS.items() if key in context.selected_asset_keys]
    outcome, states = harvest_sources(
        RawStore(literature_store.path),
        sources,
        full_refresh=config.full_refresh,
        max_pages=config.max_pages,
        log=context.log,
    )
    for source, harvest in outcome.items():
        key = HARVEST_KEYS[source]
        # A skipped source is still materialised (nothing fetched, the reason in its metadata
        # and a failed warning check): the load after it must run for the other source.
        metadata = harvest.metadata(states)
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                **metadata,
                "full_refresh": config.full_refresh,
                "skipped": harvest.skipped_reason or "",
            },
        )
        incomplete = [r.summary() for r in harvest.incomplete]
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=COMPLETE_CHECK,
            passed=not (incomplete or harvest.skipped_reason),
            severity=dg.AssetCheckSeverity.WARN,
            description=harvest.skipped_reason
            or (
                f"{len(incomplete)} queries stopped early; the next run resumes them"
                if incomplete
                else None
            ),
            metadata={"incomplete": incomplete},
        )


def harvest_cron() -> str:
    return os.environ.get("LT_LITERATURE_HARVEST_CRON") or "0 5 * * *"
