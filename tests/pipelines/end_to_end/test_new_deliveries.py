"""After the first run (a private copy of it per test): running again changes nothing, a new
file rebuilds only what depends on it (while a BI tool reads the published copy), a single
file is ingested and published in one run, and a changed record is kept in the history."""

import json
import subprocess
import sys

import dagster as dg
import pytest

from pipelines.make_run.driver import (
    build,
    ingest,
    plan_next_build,
    reports_due,
    run_pipeline,
    tick_landing_sensor,
)
from pipelines.warehouse.automation import evaluate_build
from tests.conftest import SAMPLE_DIR
from tests.pipelines.end_to_end.pipeline import (
    PUBLISHED,
    drop_one_record,
    fingerprint,
    ingest_requests,
    programme_build_keys,
    published_count,
    query,
)

pytestmark = pytest.mark.heavy


def test_running_again_changes_nothing(pipeline):
    """A second `make run` (the demo Planipolis site served again, on another port), then a
    reload of a delivery (which `make run` sees needs no build) and the build the build sensor
    asks for after it (every mart downstream of the programme records) leave every mart equal,
    byte for byte (a hash of each mart table's ordered contents)."""
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance
    marts = query(
        settings,
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
        "WHERE schema_name = 'marts' ORDER BY 1",
    )
    tables = [
        "raw.programme_records",
        "raw.programme_records_quarantine",
        "raw.programme_record_files",
        *(name for (name,) in marts),
    ]
    assert {"marts.dim_sector_plan", "marts.dim_programme"} <= set(tables)
    before = {t: fingerprint(settings, t) for t in tables}
    again = run_pipeline(defs, instance)
    assert again.ingested == {} and again.skip_reason  # same files: no new runs
    assert again.success
    assert again.build_plan.kind == "none" and again.build is None  # no dbt work at all
    assert again.reports is None  # the reports are newer than the published copy
    partition = instance.get_dynamic_partitions("programme_record_files")[0]
    rerun = ingest(defs, instance, dg.RunRequest(partition_key=partition, tags={}))
    assert rerun.success
    assert plan_next_build(defs).kind == "none"  # the same rows again: make run builds nothing
    # the build sensor asks on the materialisation: everything downstream of the programme
    # records is rebuilt, and changes nothing either
    assert build(defs, instance, asset_keys=programme_build_keys()).success
    assert {t: fingerprint(settings, t) for t in tables} == before


def test_a_new_file_rebuilds_only_what_depends_on_it_while_bi_reads_go_on(pipeline, tmp_path):
    """A one-record file from a new organisation: only the programme-records part of the dbt
    project is rebuilt (not the literature models), and the programme is published. Meanwhile
    a BI tool (SQLAlchemy + duckdb-engine, inspect and a pandas read, in its own process) reads
    the published copy over and over: every read succeeds and new connections see the
    publish; a connection held open (another process) keeps its snapshot until it reconnects."""
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance
    published = settings.publish_dir / "learning_teams.duckdb"
    stop = tmp_path / "stop"
    clients = {
        mode: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.pipelines.warehouse.bi_client",
                mode,
                published,
                stop,
                tmp_path / f"{mode}.json",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for mode in ("poll", "hold")
    }
    try:
        for client in clients.values():
            assert client.stdout.readline().strip() == "ready"
        drop_one_record(settings, "new-partner", "GBR-NEW-0001")
        outcome = run_pipeline(defs, instance, reports=False)
    finally:
        stop.touch()
        for client in clients.values():
            client.wait(timeout=120)
    assert outcome.success, outcome
    plan = outcome.build_plan
    assert plan.kind == "partial" and "programme_records" in plan.changed
    rebuilt = {e.asset_key for e in outcome.build.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "dim_programme"]) in rebuilt and PUBLISHED in rebuilt
    assert dg.AssetKey(["marts", "dim_publication"]) not in rebuilt
    assert published_count(settings, "GBR-NEW-0001") == 1
    assert outcome.reports is None
    again = run_pipeline(defs, instance, reports=False)
    assert again.build_plan.kind == "none"
    assert reports_due(defs, again)  # published without them: the next run draws them

    reads = json.loads((tmp_path / "poll.json").read_text())["reads"]
    held = json.loads((tmp_path / "hold.json").read_text())
    assert not [r["error"] for r in reads if not r["ok"]]
    before = held["before"]
    assert len(reads) >= 3 and reads[0]["programmes"] == before
    assert reads[-1]["programmes"] == before + 1  # a new connection sees the publish
    assert held["after"] == before  # a held-open one does not, until it reconnects


def test_one_new_file_is_ingested_and_published_in_one_run(pipeline):
    """What the sensor does under `dagster dev` for a single new file while nothing runs: one
    run ingests it, builds what depends on it and publishes (the reports are left to the sensor
    that draws them after every publish); the build sensor then has nothing left to do (no
    second build)."""
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance
    drop_one_record(settings, "fast-partner", "GBR-FAST-0001")
    with dg.build_sensor_context(instance=instance) as context:
        before = evaluate_build(context)
    (request,) = tick_landing_sensor(defs, instance, fast_path=True).run_requests
    assert request.job_name == "ingest_and_publish_programme_records"  # the journal included
    run = ingest(defs, instance, request)
    assert run.success
    done = {e.asset_key for e in run.get_asset_materialization_events()}
    assert {dg.AssetKey(["raw", "landing_entries"]), PUBLISHED} <= done
    assert not [key for key in done if key.path[0] == "reports"]  # reports_after_publish's job
    assert published_count(settings, "GBR-FAST-0001") == 1
    with dg.build_sensor_context(instance=instance, cursor=before.cursor) as context:
        assert not evaluate_build(context).run_requests


def test_new_file_triggers_downstream_automation_and_history(pipeline):
    """The build sensor asks for one run of what the new data feeds (not the literature); that
    build keeps the changed record's earlier version in the history."""
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance
    source = SAMPLE_DIR / "uk_partnerships_2002.csv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0]
    bedfordshire = next(line for line in lines if line.startswith("GBR-BEDS-SIP,"))
    updated = settings.landing_dir / "learning-teams-sample" / "bedfordshire_update.csv"
    updated.write_text(header + bedfordshire.replace(",39,", ",41,", 1), encoding="utf-8")

    # As the build sensor does: look, new data arrives, look again from the cursor.
    with dg.build_sensor_context(instance=instance) as context:
        before = evaluate_build(context)
    (request,) = ingest_requests(tick_landing_sensor(defs, instance))
    assert ingest(defs, instance, request).success
    with dg.build_sensor_context(instance=instance, cursor=before.cursor) as context:
        after = evaluate_build(context)
    (build_request,) = after.run_requests  # one run: the whole downstream chain and publish
    requested = list(build_request.asset_selection)
    for key in (
        ["staging", "stg_programme_records__programme_records"],
        ["marts", "dim_programme"],
        ["published", "warehouse"],
    ):
        assert dg.AssetKey(key) in requested, key
    assert dg.AssetKey(["marts", "dim_publication"]) not in requested  # literature unchanged

    assert build(defs, instance, asset_keys=requested).success  # what the sensor asked for
    history = query(
        settings,
        """
        SELECT schools_count, is_current FROM marts.dim_programme_history
        WHERE programme_ref = 'GBR-BEDS-SIP' ORDER BY valid_from""",
    )
    assert history == [(39, False), (41, True)]
