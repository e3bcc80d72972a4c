"""A BI tool reads the published copy while a run writes and publishes."""

import json
import subprocess
import sys

from pipelines.local_run import run_pipeline
from tests.pipelines.end_to_end.pipeline import PUBLISHED, drop_one_record


def test_a_bi_client_reads_the_published_copy_while_a_run_writes_and_publishes(pipeline, tmp_path):
    """A BI tool (SQLAlchemy + duckdb-engine, inspect and a pandas read, in its own process)
    reads the published copy over and over while a run ingests a file, builds and publishes:
    every read succeeds and new connections see the publish; a connection held open (another
    process) keeps its snapshot until it reconnects."""
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
        drop_one_record(settings, "bi-partner", "GBR-BI-0001")
        outcome = run_pipeline(defs, instance, reports=False)
    finally:
        stop.touch()
        for client in clients.values():
            client.wait(timeout=120)
    assert outcome.success, outcome
    assert PUBLISHED in {e.asset_key for e in outcome.build.get_asset_materialization_events()}
    reads = json.loads((tmp_path / "poll.json").read_text())["reads"]
    held = json.loads((tmp_path / "hold.json").read_text())
    assert not [r["error"] for r in reads if not r["ok"]]
    before = held["before"]
    assert len(reads) >= 3 and reads[0]["programmes"] == before
    assert reads[-1]["programmes"] == before + 1  # a new connection sees the publish
    assert held["after"] == before  # a held-open one does not, until it reconnects
