"""The build sensor: one build_warehouse run per change, of what depends on it, with publish."""

import json

import dagster as dg

from pipelines.warehouse.automation import evaluate_build
from pipelines.warehouse.build_inputs import COVERS_TAG
from pipelines.warehouse.jobs import PUBLISHES_TAG

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
            dg.DagsterRun(
                job_name="ingest_and_publish_programme_records",
                status=dg.DagsterRunStatus.STARTED,
                tags={PUBLISHES_TAG: "true"},
            )
        )
        materialise(instance, RECORDS)
        waiting = tick(instance, first.cursor)
        assert "queued or running" in str(waiting)


def last_storage_id(instance, key) -> int:
    (record,) = instance.get_asset_records([key])
    return record.asset_entry.last_materialization_record.storage_id


def publish_in_a_run(instance, covers: dict[str, int]) -> None:
    """A run that publishes, tagged with the raw writes its candidate contained."""

    @dg.asset(key=PUBLISHED)
    def published():
        return None

    result = dg.materialize([published], instance=instance, tags={COVERS_TAG: json.dumps(covers)})
    assert result.success


def test_a_run_that_published_its_own_ingest_is_not_followed_by_a_build():
    with dg.instance_for_test() as instance:
        materialise(instance, PUBLISHED)
        first = tick(instance)
        materialise(instance, RECORDS)  # the file, ingested by an ingest-and-publish run
        publish_in_a_run(instance, {"raw/programme_records": last_storage_id(instance, RECORDS)})
        covered = tick(instance, first.cursor)
        assert not covered.run_requests

        materialise(instance, RECORDS)  # written after that candidate was copied
        (request,) = tick(instance, covered.cursor).run_requests
        assert dg.AssetKey(["marts", "dim_programme"]) in set(request.asset_selection)
