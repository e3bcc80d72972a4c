"""A Dagster instance held in memory, for tests that run jobs in their own process only.

Its run and event storage are in-memory SQLite: a build stores about a thousand events (every dbt
test is an asset check), each at about a third of what the on-disk storage of
`instance_for_test` costs, where every event opens, writes and closes a database file. Tests of
what the on-disk instance itself records (the sample run and its copies, `make run` in a process
of its own, the kill tests, history across processes) keep the project's dagster.yaml."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg


@contextmanager
def in_memory_instance(settings: dict | None = None) -> Iterator[dg.DagsterInstance]:
    """`DagsterInstance.ephemeral()` with the instance `settings` (dagster.yaml's keys)."""
    with dg.DagsterInstance.ephemeral(settings=settings) as instance:
        yield instance
