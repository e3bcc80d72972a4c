"""The reports follow each publish: the sensor asks for one make_reports run per new
materialization of published/warehouse, and none without one."""

import dagster as dg

from pipelines.reports.assets import PUBLISHED
from pipelines.reports.definitions import build_defs, reports_after_publish
from pipelines.reports.resources import ReportsResource


def _evaluate(instance, defs, cursor=None):
    with dg.build_sensor_context(instance=instance, definitions=defs, cursor=cursor) as context:
        result = reports_after_publish.evaluate_tick(context)
    return result


def test_one_reports_run_per_publish():
    reports = ReportsResource(published_path="unused.duckdb", reports_dir="unused")
    defs = dg.Definitions.merge(
        build_defs(),
        dg.Definitions(assets=[dg.AssetSpec(PUBLISHED)], resources={"reports": reports}),
    )
    with dg.instance_for_test() as instance:
        assert not _evaluate(instance, defs).run_requests
        instance.report_runless_asset_event(dg.AssetMaterialization(PUBLISHED))
        first = _evaluate(instance, defs)
        assert len(first.run_requests) == 1
        assert reports_after_publish.job_name == "make_reports"
        assert not _evaluate(instance, defs, first.cursor).run_requests
        instance.report_runless_asset_event(dg.AssetMaterialization(PUBLISHED))
        again = _evaluate(instance, defs, first.cursor)
        assert len(again.run_requests) == 1
        assert again.run_requests[0].run_key != first.run_requests[0].run_key
