"""The short progress display of `make run`: one line per step with its elapsed time, and a
progress bar for long steps when the output is a terminal.

Steps running inside Dagster (the dbt build, a large ingest) report through `advance`, which
does nothing unless the command line installed a display with `show_progress`: under
`dagster dev` the UI is the display.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

WIDTH = 52
BAR = 24


class Display:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()
        self._label: str | None = None
        self._last_draw = 0.0

    def _elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:6.1f}s"

    def line(self, text: str) -> None:
        self._clear()
        print(text, file=self.stream, flush=True)

    def event(self, text: str) -> None:
        """A line stamped with the elapsed time, for what is not a timed step."""
        self.line(f"[{self._elapsed()}] {text}")

    @contextmanager
    def step(self, label: str) -> Iterator[StepResult]:
        """One line per step: `[ 12.3s] label ........ 1.2s  detail`."""
        result = StepResult()
        self._label = label
        started = time.perf_counter()
        if self.tty:
            self.stream.write(f"[{self._elapsed()}] {label} ...")
            self.stream.flush()
        try:
            yield result
        finally:
            self._label = None
            took = time.perf_counter() - started
            dots = "." * max(2, WIDTH - len(label))
            detail = f"  {result.detail}" if result.detail else ""
            self.line(f"[{self._elapsed()}] {label} {dots} {took:5.1f}s{detail}")

    def advance(self, done: int, total: int, note: str = "") -> None:
        if not self.tty or self._label is None:
            return
        now = time.perf_counter()
        if now - self._last_draw < 0.2 and done < total:
            return
        self._last_draw = now
        filled = BAR * min(done, total) // max(total, 1)
        bar = "█" * filled + "░" * (BAR - filled)
        self.stream.write(
            f"\r\033[K[{self._elapsed()}] {self._label} ▕{bar}▏ {done}/{total} {note}"[:160]
        )
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")


class StepResult:
    """What a step says after its elapsed time (set inside the `with`)."""

    detail: str = ""


_display: Display | None = None


@contextmanager
def show_progress(display: Display) -> Iterator[Display]:
    global _display
    _display, previous = display, _display
    try:
        yield display
    finally:
        _display = previous


def advance(done: int, total: int, note: str = "") -> None:
    """Report progress of the running step (no-op unless the command line shows progress)."""
    if _display is not None:
        _display.advance(done, total, note)


def notify(message: str) -> None:
    """Show a line now (e.g. why a step waits), when the command line shows progress."""
    if _display is not None:
        _display.line(f"           {message}")
