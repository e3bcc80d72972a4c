"""Failures stop at the right place: a failing blocking check or dbt test (an unmapped code)
leaves the live marts and the published copy as they were; a delivery failing its raw audit
publishes nothing and blocks no other file."""

import json

import dagster as dg
import duckdb
import pytest

from pipelines.make_run.driver import build, run_pipeline
from tests.pipelines.end_to_end.pipeline import (
    PUBLISHED,
    fingerprint,
    programme_build_keys,
    stricter_suites,
    write_unmapped_row_into_raw,
)

pytestmark = pytest.mark.heavy


def test_failing_blocking_check_stops_the_python_asset_downstream(pipeline, tmp_path, monkeypatch):
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance
    suites = stricter_suites(
        tmp_path,
        "dim_programme",
        {
            "type": "expect_table_row_count_to_be_between",
            "kwargs": {"min_value": 1_000_000},
            "meta": {"why": "test: a suite this data cannot pass"},
        },
    )
    published = settings.publish_dir / "learning_teams.duckdb"
    published_before = published.stat().st_mtime_ns
    live_before = fingerprint(settings, "marts.dim_programme")
    monkeypatch.setenv("LT_EXPECTATIONS_DIR", str(suites))
    result = build(defs, instance, asset_keys=programme_build_keys())
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert "ge_dim_programme" in failed
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "dim_programme"]) in materialized
    assert PUBLISHED not in materialized
    assert published.stat().st_mtime_ns == published_before
    assert fingerprint(settings, "marts.dim_programme") == live_before  # candidate not promoted


def test_failing_dbt_test_leaves_live_marts_and_published_copy_unchanged(pipeline):
    """A row that bypassed the contract (written straight into raw) with an actor the
    crosswalk does not map breaks a dbt test (every submitted actor maps to a codebook code):
    the candidate build fails and neither the live marts nor the published copy change."""
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance
    published = settings.publish_dir / "learning_teams.duckdb"
    before = (published.stat().st_mtime_ns, fingerprint(settings, "marts.dim_programme"))
    con = duckdb.connect(str(settings.warehouse_path))
    write_unmapped_row_into_raw(con, "bypass@0")
    con.close()
    result = build(defs, instance, asset_keys=programme_build_keys())
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert "not_null_int_programme_actors_unnested_actor_code" in failed
    assert PUBLISHED not in {e.asset_key for e in result.get_asset_materialization_events()}
    after = (published.stat().st_mtime_ns, fingerprint(settings, "marts.dim_programme"))
    assert after == before


def test_failed_raw_audit_publishes_nothing_and_never_blocks_other_files(pipeline):
    """A file whose rows fail the raw audit (here: most of its records quarantined, so probably
    the wrong format) publishes none of them, not even its good-looking record, and its run
    fails naming the file and the check; the next good file still flows to the marts."""
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance

    def deliver(name, *refs_and_countries):
        folder = settings.landing_dir / "test-org"
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(
            json.dumps(
                [
                    {
                        "programme_ref": ref,
                        "programme_name": f"Programme {ref}",
                        "organisations": ["Test org"],
                        "country_code": country,
                        "level": "local",
                        "start_year": 2020,
                        "team_kind": "school_community",
                        "actors": ["parents"],
                        "source_name": "test",
                    }
                    for ref, country in refs_and_countries
                ]
            ),
            encoding="utf-8",
        )

    deliver(
        "blocked.json",
        ("KEN-TEST-BLOCK", "KEN"),
        ("KEN-TEST-UK-1", "UK"),
        ("KEN-TEST-UK-2", "UK"),
    )
    deliver("fine.json", ("KEN-TEST-FINE", "KEN"))
    published = settings.publish_dir / "learning_teams.duckdb"
    outcome = run_pipeline(defs, instance, reports=False)
    by_file = {o.file: o for o in outcome.ingested.values()}
    blocked = by_file["test-org/blocked.json"]
    assert not blocked.ok and "test-org/blocked.json" in blocked.error
    assert "ge_raw_programme_records" in blocked.error
    assert "probably the wrong format" in blocked.error
    assert by_file["test-org/fine.json"].ok
    assert not outcome.success  # make run exits non-zero
    assert outcome.build_ok  # ... but the good file reached the marts
    con = duckdb.connect(str(published), read_only=True)
    refs = {r[0] for r in con.execute("SELECT programme_ref FROM marts.dim_programme").fetchall()}
    entries = dict(
        con.execute(
            "SELECT entry_path, outcome FROM marts.fct_landing_entry "
            "WHERE organisation = 'test-org'"
        ).fetchall()
    )
    con.close()
    assert "KEN-TEST-FINE" in refs and "KEN-TEST-BLOCK" not in refs
    assert entries == {"test-org/blocked.json": "failed_audit", "test-org/fine.json": "loaded"}
