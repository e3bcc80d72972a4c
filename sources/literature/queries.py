"""The literature searches, kept as configuration in `queries.yaml` (override with
LT_LITERATURE_QUERIES)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_QUERIES_FILE = Path(__file__).with_name("queries.yaml")
_ID = re.compile(r"^[a-z0-9_]+$")


class QueryConfigError(ValueError):
    """The queries file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class LiteratureQuery:
    id: str
    description: str
    openalex_search: str | None = None
    openalex_filter: str | None = None
    eric_search: str | None = None


def queries_file() -> Path:
    return Path(os.environ.get("LT_LITERATURE_QUERIES") or DEFAULT_QUERIES_FILE)


def load_queries(path: Path | None = None) -> list[LiteratureQuery]:
    """Every query in the file, checked: unique snake_case ids, at least one source each."""
    path = Path(path or queries_file())
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = document.get("queries")
    if not isinstance(entries, list) or not entries:
        raise QueryConfigError(f"{path}: expected a non-empty list under 'queries'")
    queries, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: query {number}"
        if not isinstance(entry, dict):
            raise QueryConfigError(f"{where}: expected a mapping")
        query_id = str(entry.get("id") or "")
        if not _ID.match(query_id):
            raise QueryConfigError(f"{where}: id {query_id!r} must be snake_case")
        if query_id in seen:
            raise QueryConfigError(f"{where}: duplicate id {query_id!r}")
        seen.add(query_id)
        openalex = entry.get("openalex") or {}
        eric = entry.get("eric") or {}
        query = LiteratureQuery(
            id=query_id,
            description=str(entry.get("description") or ""),
            openalex_search=openalex.get("search"),
            openalex_filter=openalex.get("filter"),
            eric_search=eric.get("search"),
        )
        if not (query.openalex_search or query.eric_search):
            raise QueryConfigError(f"{where} ({query_id}): needs openalex.search or eric.search")
        queries.append(query)
    return queries
