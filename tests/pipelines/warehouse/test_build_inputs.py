"""Fingerprints of what a build was made from, and the plan they give the next build."""

import dagster as dg
import duckdb

from pipelines.warehouse import build_inputs
from pipelines.warehouse.build_inputs import (
    PROJECT_INPUT,
    covered_inputs,
    downstream_of,
    plan_build,
    raw_fingerprints,
    record_inputs,
    record_published_inputs,
)

K = dg.AssetKey
DEPS = {
    K(["staging", "stg_a"]): {K(["raw", "a"])},
    K(["staging", "stg_b"]): {K(["raw", "b"])},
    K(["marts", "dim_a"]): {K(["staging", "stg_a"])},
    K(["marts", "both"]): {K(["marts", "dim_a"]), K(["staging", "stg_b"])},
}


def test_downstream_is_transitive():
    assert downstream_of(DEPS, [K(["raw", "a"])]) == {
        K(["staging", "stg_a"]),
        K(["marts", "dim_a"]),
        K(["marts", "both"]),
    }


def test_a_build_covers_a_raw_table_only_when_all_its_dependants_were_built():
    everything = set(DEPS)
    assert covered_inputs(DEPS, everything, ["a", "b"]) == ["a", "b", PROJECT_INPUT]
    only_a = downstream_of(DEPS, [K(["raw", "a"])])
    assert covered_inputs(DEPS, only_a, ["a", "b"]) == ["a"]
    assert covered_inputs(DEPS, {K(["marts", "dim_a"])}, ["a", "b"]) == []


def test_raw_fingerprint_changes_with_any_row_and_not_with_order(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.a AS SELECT range AS i FROM range(5)")
    before = raw_fingerprints(con)
    con.execute("CREATE OR REPLACE TABLE raw.a AS SELECT range AS i FROM range(5) ORDER BY i DESC")
    assert raw_fingerprints(con) == before
    con.execute("UPDATE raw.a SET i = 7 WHERE i = 3")
    assert raw_fingerprints(con) != before
    con.close()


def _warehouse(path, rows_a: int, recorded: dict | None):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(f"CREATE OR REPLACE TABLE raw.a AS SELECT range AS i FROM range({rows_a})")
    con.execute("CREATE OR REPLACE TABLE raw.b AS SELECT 1 AS j")
    if recorded is not None:
        record_inputs(con, recorded)
    con.close()


def test_plan_none_partial_and_full(tmp_path, monkeypatch):
    monkeypatch.setattr(build_inputs, "project_fingerprint", lambda: "p1")
    live, published = tmp_path / "live.duckdb", tmp_path / "published.duckdb"
    assert plan_build(live, published, DEPS).kind == "full"  # nothing built yet

    _warehouse(live, 3, None)
    with duckdb.connect(str(live)) as con:
        state = {**raw_fingerprints(con), PROJECT_INPUT: "p1"}
        record_inputs(con, state)
    _warehouse(published, 3, state)
    record_published_inputs(published, state)
    assert plan_build(live, published, DEPS).kind == "none"

    with duckdb.connect(str(live)) as con:  # a new row in raw.a
        con.execute("INSERT INTO raw.a VALUES (99)")
    plan = plan_build(live, published, DEPS, downstream_extra=[K(["published", "warehouse"])])
    assert plan.kind == "partial" and plan.changed == ["a"]
    assert set(plan.asset_keys) == downstream_of(DEPS, [K(["raw", "a"])]) | {
        K(["published", "warehouse"])
    }

    monkeypatch.setattr(build_inputs, "project_fingerprint", lambda: "p2")  # a model changed
    assert plan_build(live, published, DEPS).kind == "full"


def test_a_stale_published_copy_means_a_full_build(tmp_path, monkeypatch):
    monkeypatch.setattr(build_inputs, "project_fingerprint", lambda: "p1")
    live, published = tmp_path / "live.duckdb", tmp_path / "published.duckdb"
    _warehouse(live, 3, None)
    with duckdb.connect(str(live)) as con:
        record_inputs(con, {**raw_fingerprints(con), PROJECT_INPUT: "p1"})
    _warehouse(published, 3, {PROJECT_INPUT: "p0"})
    record_published_inputs(published, {PROJECT_INPUT: "p0"})
    plan = plan_build(live, published, DEPS)
    assert plan.kind == "full" and "published copy" in plan.reason
