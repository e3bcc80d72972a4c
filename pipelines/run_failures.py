"""What a person is told when an in-process run failed: the last line of the first step
failure, from the exception that was raised (not Dagster's wrapper around it)."""

import dagster as dg


def failure_message(run: dg.ExecuteInProcessResult) -> str:
    for event in run.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            while error is not None and error.cause is not None:  # the exception raised
                error = error.cause
            message = error.message if error else event.message
            return message.strip().splitlines()[-1] if message else "step failed"
    return "the run failed"
