"""The catalogue sensor: a conditional poll of the listing, a catalogue run when it changed, one
partition and run per new plan of the focus countries, and nothing on an unchanged (304)
catalogue."""

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.sector_plans.local import tick_catalogue_sensor
from pipelines.sector_plans.partitions import sector_plans
from sources.static_server import serve_folder

from .conftest import plan_env, site_copy

FOCUS_PLANS = {
    "GHA/education-strategic-plan-2018-2030-6512",
    "KEN/national-education-sector-strategic-plan-2018-2022",
    "KEN/basic-education-covid-19-emergency-response-plan",  # no period in the title: listed year
    "NPL/school-education-sector-plan-202223-203132-7469",
}


@pytest.fixture
def focus_env(tmp_path, monkeypatch):
    site = site_copy(tmp_path)
    with serve_folder(site) as base_url:
        settings = plan_env(tmp_path, monkeypatch, base_url, all_countries=False)
        with dg.instance_for_test() as instance:
            yield site, build_definitions(settings), instance


def _jobs(result: dg.SensorResult) -> list[str]:
    return sorted(r.job_name for r in result.run_requests or [])


def test_sensor_partitions_new_focus_plans_and_stays_quiet_when_unchanged(focus_env):
    site, defs, instance = focus_env
    planipolis = defs.resources["planipolis"]

    first = tick_catalogue_sensor(instance, planipolis)  # never loaded: the listing is new
    assert _jobs(first) == ["load_sector_plan_catalogue"]
    assert instance.get_dynamic_partitions(sector_plans.name) == []

    catalogue = defs.resolve_job_def("load_sector_plan_catalogue").execute_in_process(
        instance=instance, raise_on_error=False
    )
    assert catalogue.success

    second = tick_catalogue_sensor(instance, planipolis, first.cursor)  # 304; new plans
    assert _jobs(second) == ["load_sector_plan"] * len(FOCUS_PLANS)
    assert {r.partition_key for r in second.run_requests} == FOCUS_PLANS
    assert set(instance.get_dynamic_partitions(sector_plans.name)) == FOCUS_PLANS

    third = tick_catalogue_sensor(instance, planipolis, second.cursor)  # unchanged: nothing
    assert third.run_requests in (None, [])
    assert not third.dynamic_partitions_requests
    assert "HTTP 304" in third.skip_reason.skip_message

    listing = site / "en" / "national-education-plans" / "index.html"
    listing.write_text(listing.read_text() + "<!-- a new plan -->\n")
    changed = tick_catalogue_sensor(instance, planipolis, third.cursor)
    assert _jobs(changed) == ["load_sector_plan_catalogue"]


def test_sensor_runs_a_plan_again_when_its_documents_change(focus_env):
    site, defs, instance = focus_env
    planipolis = defs.resources["planipolis"]
    catalogue = defs.resolve_job_def("load_sector_plan_catalogue")
    tick_catalogue_sensor(instance, planipolis)
    assert catalogue.execute_in_process(instance=instance).success
    first = tick_catalogue_sensor(instance, planipolis)
    assert len(first.run_requests) == len(FOCUS_PLANS)

    ghana = site / "en" / "2018" / "education-strategic-plan-2018-2030-6512" / "index.html"
    extra = '<li><a href="/sites/default/files/ressources/kenya_covid19_response_plan.pdf">'
    ghana.write_text(ghana.read_text().replace("</ul>", extra + "annex</a></li></ul>"))
    listing = site / "en" / "national-education-plans" / "index.html"
    listing.write_text(listing.read_text() + "<!-- changed -->\n")
    polled = tick_catalogue_sensor(instance, planipolis, first.cursor)
    assert _jobs(polled) == ["load_sector_plan_catalogue"]
    assert catalogue.execute_in_process(instance=instance).success
    again = tick_catalogue_sensor(instance, planipolis, polled.cursor)
    assert [r.partition_key for r in again.run_requests] == [
        "GHA/education-strategic-plan-2018-2030-6512"
    ]
    assert not again.dynamic_partitions_requests  # not new: the same partition, run again
    quiet = tick_catalogue_sensor(instance, planipolis, again.cursor)
    assert not quiet.run_requests


def test_sensor_reports_an_unreachable_site_instead_of_failing(tmp_path, monkeypatch):
    plan_env(tmp_path, monkeypatch, "http://127.0.0.1:9", all_countries=False)
    from pipelines.settings import Settings

    defs = build_definitions(Settings.from_env())
    with dg.instance_for_test() as instance:
        result = tick_catalogue_sensor(instance, defs.resources["planipolis"])
    assert not result.run_requests
    assert "could not be polled" in result.skip_reason.skip_message
    assert "127.0.0.1:9" in result.skip_reason.skip_message
