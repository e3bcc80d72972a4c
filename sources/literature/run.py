"""One call for the pipeline: harvest every query from every literature source, each with its
own incremental state, so one failing query or source never stops the others."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..eric import harvest_eric
from ..openalex import harvest_openalex
from .harvest import HarvestResult, HttpGetter
from .queries import LiteratureQuery
from .raw_store import RawStore

HARVESTERS = {"openalex": harvest_openalex, "eric": harvest_eric}


def state_key(source: str, query_id: str) -> str:
    return f"{source}/{query_id}"


@dataclass
class LiteratureHarvest:
    results: list[HarvestResult] = field(default_factory=list)
    states: dict[str, dict] = field(default_factory=dict)  # persist; pass back next time

    @property
    def complete(self) -> bool:
        return all(r.status in {"complete", "skipped"} for r in self.results)

    @property
    def problems(self) -> list[str]:
        return [p for r in self.results for p in r.problems]


def harvest_literature(
    queries: Iterable[LiteratureQuery],
    *,
    client: HttpGetter,
    store: RawStore,
    states: Mapping[str, dict] | None = None,
    full_refresh: bool = False,
    sources: Iterable[str] = ("openalex", "eric"),
    max_pages: int | None = None,
) -> LiteratureHarvest:
    """Harvest each (source, query) into raw page files; `states` maps "source/query_id" to the
    state returned last time. Settings (base URLs, API key) come from the environment."""
    outcome = LiteratureHarvest(states=dict(states or {}))
    for query in queries:
        for source in sources:
            key = state_key(source, query.id)
            result = HARVESTERS[source](
                query,
                client=client,
                store=store,
                state=outcome.states.get(key),
                full_refresh=full_refresh,
                max_pages=max_pages,
            )
            outcome.results.append(result)
            outcome.states[key] = result.state
    return outcome
