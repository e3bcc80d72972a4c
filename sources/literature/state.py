"""Incremental state of one query against one source: a small JSON-serialisable object that the
caller persists (`StateFile`, in the raw store) and passes back on the next run."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


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


STATE_FILE = "harvest_state.json"


@dataclass(frozen=True)
class StateFile:
    """The states of every (source, query), kept as one JSON file in the raw store beside the
    page files they describe (`<raw dir>/harvest_state.json`, keys "source/query_id"). Written
    atomically after every query, so a run that dies half-way keeps the states of the queries
    it finished and the resume position of the one that stopped."""

    path: Path

    @classmethod
    def in_store(cls, raw_root: Path) -> StateFile:
        return cls(Path(raw_root) / STATE_FILE)

    def load(self) -> dict[str, dict]:
        if not self.path.is_file():
            return {}
        try:
            states = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{self.path}: harvest state is not valid JSON ({exc})") from None
        if not isinstance(states, dict) or not all(isinstance(v, dict) for v in states.values()):
            raise ValueError(f"{self.path}: expected an object of states keyed 'source/query'")
        return states

    def save(self, states: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(states, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path)
