"""Shared test helpers for the literature connectors: the genuine recorded payloads (read from
LT_SHARED_DATA_DIR), list pages built around them in the documented envelopes, and a polite
client whose sleeps are recorded instead of waited."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from sources.http_client import HttpConfig, PoliteClient
from tests.sources.fake_time import FakeTime

REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_data_dir() -> Path:
    return Path(os.environ.get("LT_SHARED_DATA_DIR") or REPO_ROOT.parent / "shared" / "data")


def real_openalex_work() -> dict:
    """GET /works/W2741809807 as recorded (all 50 fields)."""
    path = shared_data_dir() / "openalex" / "W2741809807.json"
    assert path.is_file(), f"recorded OpenAlex work not found at {path} (set LT_SHARED_DATA_DIR)"
    return json.loads(path.read_text(encoding="utf-8"))


def real_eric_response() -> dict:
    """The recorded ERIC search response (1 doc, numFound 56)."""
    path = shared_data_dir() / "eric" / "colrev_eric_blockchain.json"
    assert path.is_file(), f"recorded ERIC response not found at {path} (set LT_SHARED_DATA_DIR)"
    return json.loads(path.read_text(encoding="utf-8"))


def work_variant(number: int, *, year: int | None = None, updated: str | None = None) -> dict:
    """The real work with another id, title, DOI (and optionally year, updated_date)."""
    work = copy.deepcopy(real_openalex_work())
    work["id"] = f"https://openalex.org/W{number}"
    work["doi"] = f"https://doi.org/10.5555/test.{number}"
    work["title"] = work["display_name"] = f"{work['title']} (variant {number})"
    if year is not None:
        work["publication_year"] = year
    if updated is not None:
        work["updated_date"] = updated
    return work


def openalex_page(results: list[dict], next_cursor: str | None, count: int) -> dict:
    """The documented OpenAlex list envelope under cursor paging (SOURCES.md §3)."""
    return {
        "meta": {
            "count": count,
            "db_response_time_ms": 27,
            "page": None,
            "per_page": 200,
            "next_cursor": next_cursor,
            "groups_count": None,
        },
        "results": results,
        "group_by": [],
    }


def eric_page(docs: list[dict], start: int, found: int) -> dict:
    """The ERIC search envelope (SOURCES.md §4)."""
    return {"response": {"numFound": found, "start": start, "numFoundExact": True, "docs": docs}}


def make_client(fake: FakeTime | None = None, **config) -> PoliteClient:
    fake = fake or FakeTime()
    values = dict(min_interval_seconds=0.0, backoff_base_seconds=1.0, timeout_seconds=5.0)
    values.update(config)
    return PoliteClient(
        config=HttpConfig(**values),
        sleep=fake.sleep,
        monotonic=fake.clock,
        wall_clock=fake.clock,
        random=lambda: 0.0,
    )
