"""A failed run is summarised by the exception its step raised, not Dagster's wrapper."""

import dagster as dg

from pipelines.operations.run_failures import failure_message


def test_the_message_is_the_last_line_of_the_raised_exception():
    @dg.asset
    def broken():
        raise ValueError("first line\nnew_partner/file.csv: the file is empty")

    run = dg.materialize([broken], raise_on_error=False)
    assert failure_message(run) == "new_partner/file.csv: the file is empty"


def test_a_run_without_a_step_failure_says_so():
    @dg.asset
    def fine():
        return 1

    assert failure_message(dg.materialize([fine])) == "the run failed"
