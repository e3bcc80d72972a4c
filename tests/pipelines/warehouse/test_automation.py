"""The build sensor: one build_warehouse run per change, of what depends on it, with publish."""

import dagster as dg

from pipelines.warehouse.automation import evaluate_build

RECORDS = dg.AssetKey(["raw", "programme_records"])
PUBLISHED = dg.AssetKey(["published", "warehouse"])


def materialise(instance, key):
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))


def tick(instance, cursor=None):
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        return evaluate_build(context)


def test_a_change_requests_one_run_of_its_downstream_with_publish():
    with dg.instance_for_test() as instance:
        materialise(instance, RECORDS)
        materialise(instance, PUBLISHED)
        first = tick(instance)  # the published build already saw these: nothing to do
        assert not first.run_requests

        materialise(instance, RECORDS)
        (request,) = tick(instance, first.cursor).run_requests
        selection = set(request.asset_selection)
        assert {dg.AssetKey(["marts", "dim_programme"]), PUBLISHED} <= selection
        assert dg.AssetKey(["staging", "stg_programme_records__programme_records"]) in selection
        assert dg.AssetKey(["marts", "dim_publication"]) not in selection  # not downstream


def test_new_data_waits_while_a_build_is_running():
    with dg.instance_for_test() as instance:
        materialise(instance, PUBLISHED)
        first = tick(instance)
        instance.add_run(
            dg.DagsterRun(job_name="build_warehouse", status=dg.DagsterRunStatus.STARTED)
        )
        materialise(instance, RECORDS)
        waiting = tick(instance, first.cursor)
        assert "queued or running" in str(waiting)
