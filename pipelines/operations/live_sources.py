"""Whether the sensors and schedules that call live web services start on.

Off on the embedded default (LT_LIVE_SOURCES unset), so a machine without network does not
collect failed requests; `LT_LIVE_SOURCES=on` starts them with the daemon. Either way they can be
turned on or off in the UI (Automation), which then wins over the default."""

import dagster as dg

from ..settings import _flag


def live_sources_on() -> bool:
    return _flag("LT_LIVE_SOURCES")


def sensor_status() -> dg.DefaultSensorStatus:
    return dg.DefaultSensorStatus.RUNNING if live_sources_on() else dg.DefaultSensorStatus.STOPPED


def schedule_status() -> dg.DefaultScheduleStatus:
    return (
        dg.DefaultScheduleStatus.RUNNING if live_sources_on() else dg.DefaultScheduleStatus.STOPPED
    )
