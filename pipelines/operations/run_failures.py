"""What a person is told when a run failed: the last line of the first step failure, from the
exception that was raised (not Dagster's wrapper around it)."""

from collections.abc import Iterable

import dagster as dg


def step_failure_message(events: Iterable[dg.DagsterEvent]) -> str | None:
    """The message of the first STEP_FAILURE among `events`, or None without one."""
    for event in events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            while error is not None and error.cause is not None:  # the exception raised
                error = error.cause
            message = error.message if error else event.message
            return message.strip().splitlines()[-1] if message else "step failed"
    return None


def failure_message(run: dg.ExecuteInProcessResult) -> str:
    return step_failure_message(run.all_events) or "the run failed"
