"""Sensor ticks evaluated in-process (what `make run` and the tests do)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

_console_level = logging.INFO


def set_console_level(level: str | int) -> None:
    """The level sensor ticks print at from now on (`make run` shows progress lines instead)."""
    global _console_level
    _console_level = logging.getLevelName(level) if isinstance(level, str) else level


@contextmanager
def sensor_context(
    instance: dg.DagsterInstance, cursor: str | None = None
) -> Iterator[dg.SensorEvaluationContext]:
    """`build_sensor_context`, printing only at the chosen level (its logger prints every
    new file at info otherwise; the landing journal records them all anyway)."""
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        context.log.setLevel(_console_level)
        yield context
