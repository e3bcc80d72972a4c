"""The weekly World Bank schedule starts stopped (it needs the network) and asks for one run per
configured indicator."""

from datetime import UTC, datetime

import dagster as dg

from pipelines.definitions import build_definitions
from sources.worldbank.config import load_indicators


def test_stopped_by_default_and_one_run_per_indicator(settings):
    defs = build_definitions(settings)
    schedule = defs.resolve_schedule_def("worldbank_weekly")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 1, 5, 6, tzinfo=UTC),
        repository_def=defs.get_repository_def(),
    )
    requests = list(schedule.evaluate_tick(context).run_requests)
    assert [r.partition_key for r in requests] == [i.code for i in load_indicators()]
    assert {r.job_name for r in requests} <= {None, "load_worldbank_indicator"}
    assert len({r.run_key for r in requests}) == len(requests)
