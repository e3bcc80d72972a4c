"""Incremental state of one query against one source: a small JSON-serialisable object that the
caller persists (e.g. a Dagster sensor cursor) and passes back on the next run."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class QueryState:
    """Where a query stands.

    - `updated_since`: the latest `updated_date` seen by the last complete run (OpenAlex);
      the next run asks only for works updated since then.
    - `resume_at`: set when a run stopped on a bad page or a failed request: the OpenAlex
      cursor or the ERIC offset of the first page not yet fetched. The next run starts there,
      with the same `resume_since` filter, instead of from the start.
    """

    source: str
    query_id: str
    updated_since: str | None = None
    resume_at: str | None = None
    resume_since: str | None = None
    resume_run_id: str | None = None
    last_run_id: str | None = None
    last_status: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None, *, source: str, query_id: str) -> QueryState:
        if not data:
            return cls(source=source, query_id=query_id)
        state = cls(**data)
        if (state.source, state.query_id) != (source, query_id):
            raise ValueError(
                f"state is for {state.source}/{state.query_id}, not {source}/{query_id}"
            )
        return state
