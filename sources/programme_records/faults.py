"""Fault points for crash tests: a named step of the landing scan or the ingest where the
process can be made to die, to prove that every step can be re-done.

`LT_FAULT_AT=<step>` makes `fault_point(<step>)` stop the process there: by default it raises
`InjectedFault` (a BaseException, so no handler on the way catches it, as with a kill); with
`LT_FAULT_MODE=exit` it ends the process at once (`os._exit`, like `kill -9`). Unset, a fault
point costs one dictionary look-up.
"""

from __future__ import annotations

import os

FAULT_ENV = "LT_FAULT_AT"
MODE_ENV = "LT_FAULT_MODE"

STEPS = (
    "scan.before_copy",
    "scan.after_copy",
    "scan.before_journal",
    "scan.after_journal",
    "scan.after_archive",
    "scan.after_move",
    "ingest.before_run",
)


class InjectedFault(BaseException):  # noqa: N818 - it stands for a kill, not an error
    """The process 'died' at a fault point."""


def fault_point(step: str) -> None:
    if os.environ.get(FAULT_ENV) != step:
        return
    if os.environ.get(MODE_ENV) == "exit":
        os._exit(137)
    raise InjectedFault(step)
