"""End to end on a temporary warehouse: landing files -> sensor -> ingest runs -> dbt build,
GE checks and publish; then the marts are queried. Also: re-runs change nothing, a changed
record is kept in history, new files trigger one build of what depends on them, and a
failing blocking check stops the Python asset downstream."""

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.local_run import build, ingest, run_pipeline, tick_landing_sensor
from pipelines.settings import Settings
from sources.programme_records.raw_schema import supplied_columns_sql
from sources.worldbank.config import load_indicators
from tests.conftest import SAMPLE_DIR, drop_sample_files

PUBLISHED = dg.AssetKey(["published", "warehouse"])


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "LT_WAREHOUSE_PATH": str(root / "warehouse" / "learning_teams.duckdb"),
            "LT_LANDING_DIR": str(root / "landing"),
            "LT_ARCHIVE_DIR": str(root / "warehouse" / "archive"),
            "LT_PUBLISH_DIR": str(root / "warehouse" / "published"),
            "LT_BUILDS_DIR": str(root / "warehouse" / "builds"),
            "LT_LOG_DIR": str(root / "warehouse" / "logs"),
            "LT_LITERATURE_RAW_DIR": str(root / "warehouse" / "raw" / "literature"),
            "LT_LANDING_SETTLE_SECONDS": "0",
        }.items():
            patch.setenv(key, value)
        settings = Settings.from_env()
        settings.landing_dir.mkdir(parents=True)
        with dg.instance_for_test(
            overrides={"concurrency": {"pools": {"default_limit": 1}}}
        ) as instance:
            yield settings, build_definitions(settings), instance, patch


@pytest.fixture(scope="module")
def first_run(env):
    settings, defs, instance, _ = env
    drop_sample_files(settings.landing_dir)
    outcome = run_pipeline(defs, instance)
    # What the first run left, kept aside: the tests that only read it use this copy, so they
    # hold whatever order the tests run in (the others deliver more files into the live one).
    snapshot = settings.warehouse_path.parent.parent / "after_first_run"
    shutil.copytree(settings.publish_dir, snapshot / "published")
    for suffix in ("", ".wal"):
        live = settings.warehouse_path.with_name(settings.warehouse_path.name + suffix)
        if live.exists():
            shutil.copyfile(live, snapshot / live.name)
    return outcome


@pytest.fixture(scope="module")
def first(env, first_run):
    """Settings whose warehouse and published copy are those the first run left."""
    snapshot = env[0].warehouse_path.parent.parent / "after_first_run"
    return dataclasses.replace(
        env[0],
        warehouse_path=snapshot / "learning_teams.duckdb",
        publish_dir=snapshot / "published",
    )


def query(settings, sql, params=None):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def stricter_suites(tmp_path, suite, expectation):
    """A copy of the versioned suites with one more expectation added to `suite`."""
    suites = tmp_path / "suites"
    shutil.copytree(SAMPLE_DIR.parents[1] / "expectations" / "suites", suites)
    path = suites / f"{suite}.json"
    strict = json.loads(path.read_text())
    strict["expectations"].append(expectation)
    path.write_text(json.dumps(strict))
    return suites


def fingerprint(settings, table):
    rows = query(settings, f"SELECT * FROM {table} ORDER BY ALL")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def drop_one_record(settings, organisation, ref):
    """A one-record CSV (a sample programme under a new ref) from a new organisation."""
    source = (SAMPLE_DIR / "uk_partnerships_2002.csv").read_text(encoding="utf-8").splitlines()
    record = next(line for line in source if line.startswith("GBR-BEDS-SIP,"))
    folder = settings.landing_dir / organisation
    folder.mkdir()
    (folder / "one_record.csv").write_text(
        source[0] + "\n" + record.replace("GBR-BEDS-SIP,", f"{ref},", 1) + "\n",
        encoding="utf-8",
    )


def published_count(settings, ref):
    """Rows of `ref` in the published copy's dim_programme."""
    published = duckdb.connect(str(settings.publish_dir / "learning_teams.duckdb"), read_only=True)
    try:
        sql = "SELECT count(*) FROM marts.dim_programme WHERE programme_ref = ?"
        return published.execute(sql, [ref]).fetchone()[0]
    finally:
        published.close()


def ingest_requests(tick):
    return [r for r in tick.run_requests or [] if r.job_name == "ingest_programme_records"]


def test_pipeline_runs_green_on_the_bundled_sample(first_run):
    assert {o.file: (o.ok, o.status) for o in first_run.ingested.values()} == {
        "learning-teams-sample/ghana_and_partners.json": (True, "loaded"),
        "learning-teams-sample/global_learning_teams_database.xlsx": (True, "loaded"),
        "learning-teams-sample/late_submissions_2024.csv": (True, "partially_loaded"),
        "learning-teams-sample/uk_partnerships_2002.csv": (True, "loaded"),
        # the demo Planipolis site: the catalogue, then the plans of the focus countries
        "sector plan catalogue": (True, "loaded"),
        "sector plan GHA/education-strategic-plan-2018-2030-6512": (True, "loaded"),
        "sector plan KEN/national-education-sector-strategic-plan-2018-2022": (True, "loaded"),
        "sector plan KEN/basic-education-covid-19-emergency-response-plan": (True, "loaded"),
        "sector plan NPL/school-education-sector-plan-202223-203132-7469": (True, "loaded"),
        # the demo World Bank API (one run per indicator) and the bundled bulk CSV
        **{f"World Bank {i.code}": (True, "loaded") for i in load_indicators()},
        "World Bank bulk_csv": (True, "loaded"),
    }
    assert first_run.build.success, first_run.failed_checks
    assert first_run.failed_checks == []


def test_dbt_tests_and_ge_suites_ran_as_checks(first_run):
    evaluations = first_run.build.get_asset_check_evaluations()
    names = {e.check_name for e in evaluations}
    assert {"ge_dim_programme", "ge_fct_country_summary", "ge_fct_programme_actor"} <= names
    assert sum(1 for e in evaluations if e.check_name.startswith(("unique_", "not_null_"))) > 20
    assert all(e.passed for e in evaluations if e.severity == dg.AssetCheckSeverity.ERROR)


def test_marts_hold_the_seed_programmes_with_their_facts(first):
    settings = first
    nlc = query(
        settings,
        """
        SELECT schools_count, funding_amount, funding_currency, funding_period, team_kind_code,
               country_name
        FROM marts.dim_programme WHERE programme_ref = 'GBR-NCSL-NLC'""",
    )
    assert nlc == [(6, 50000, "GBP", "per_year", "cross_sector", "United Kingdom")]
    bedfordshire = query(
        settings,
        """
        SELECT start_year, schools_count, subnational_area FROM marts.dim_programme
        WHERE programme_ref = 'GBR-BEDS-SIP'""",
    )
    assert bedfordshire == [(1999, 39, "Bedfordshire")]
    names = " | ".join(
        r[0] for r in query(settings, "SELECT programme_name FROM marts.dim_programme")
    )
    for expected in ("Pathfinder", "triad", "Teachmeet", "Ghana"):
        assert expected.lower() in names.lower(), expected


def test_marts_are_consistent(first):
    settings = first
    (programmes,) = query(settings, "SELECT count(*) FROM marts.dim_programme")[0]
    (loaded,) = query(settings, "SELECT count(*) FROM raw.programme_records")[0]
    assert programmes == loaded == 42
    assert query(settings, "SELECT count(*) FROM raw.programme_records_quarantine") == [(2,)]
    (actor_rows,) = query(settings, "SELECT count(*) FROM marts.fct_programme_actor")[0]
    (actor_sum,) = query(settings, "SELECT sum(actor_count) FROM marts.dim_programme")[0]
    assert actor_rows == actor_sum > programmes
    gbr = query(
        settings,
        """SELECT programme_count, region, income_group
                             FROM marts.fct_country_summary WHERE country_code = 'GBR'""",
    )
    (gbr_programmes,) = query(
        settings, "SELECT count(*) FROM marts.dim_programme WHERE country_code = 'GBR'"
    )[0]
    assert gbr == [(gbr_programmes, "Europe & Central Asia", "High income")]
    assert gbr_programmes == 18
    (summed,) = query(settings, "SELECT sum(programme_count) FROM marts.fct_country_summary")[0]
    assert summed == programmes


def test_marts_are_documented_in_the_database(first):
    comments = dict(
        query(
            first,
            """
        SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'""",
        )
    )
    assert set(comments) >= {
        "dim_programme",
        "dim_country",
        "fct_programme_actor",
        "fct_country_summary",
    }
    assert all(comments.values())


def test_published_copy_and_parquet_exports(first):
    settings = first
    published = settings.publish_dir / "learning_teams.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("SELECT count(*) FROM marts.dim_programme").fetchone()[0] == 42
    con.close()
    parquet = settings.publish_dir / "parquet" / "fct_country_summary.parquet"
    (rows,) = duckdb.sql(f"SELECT count(*) FROM '{parquet}'").fetchone()
    assert rows == query(settings, "SELECT count(*) FROM marts.fct_country_summary")[0][0]


def test_reports_are_made_from_the_published_copy(env, first_run):
    """After the publish: the pictures per focus country, the evidence map, the exports and the
    offline index; each picture asset shows its pictures in the UI (an embedded PNG)."""
    settings, _, _, _ = env
    assert first_run.reports is not None and first_run.reports.success
    folder = settings.reports_dir
    focus = ["GBR", "GHA", "KEN", "NPL"]
    expected = ["index.html", "evidence_map.png", "evidence_map.svg"] + [
        f"{kind}_{code}.{ext}"
        for kind in ("indicator_trends", "country_profile")
        for code in focus
        for ext in ("png", "svg")
    ]
    assert all((folder / name).stat().st_size > 0 for name in expected)
    exports = {p.name for p in (folder / "exports").iterdir()}
    assert {"country_profiles.csv", "country_profiles.xlsx", "country_profile_GHA.xlsx"} <= exports
    events = {
        e.asset_key: e.step_materialization_data.materialization.metadata
        for e in first_run.reports.get_asset_materialization_events()
    }
    heatmap = events[dg.AssetKey(["reports", "evidence_map_heatmap"])]
    assert heatmap["evidence map"].value.startswith("![preview](data:image/png;base64,")


def test_running_again_changes_nothing(env, first_run):
    """A second `make run` (the demo Planipolis site served again, on another port), a reload
    of a delivery and a full rebuild of the same inputs leave every mart equal, byte for byte
    (a hash of each mart table's ordered contents)."""
    settings, defs, instance, _ = env
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
    partition = instance.get_dynamic_partitions("programme_record_files")[0]
    rerun = ingest(defs, instance, dg.RunRequest(partition_key=partition, tags={}))
    assert rerun.success
    build(defs, instance)
    assert {t: fingerprint(settings, t) for t in tables} == before


def test_dbt_assets_show_row_counts_and_column_types(first, first_run):
    events = {
        e.asset_key: e.step_materialization_data.materialization.metadata
        for e in first_run.build.get_asset_materialization_events()
    }
    metadata = events[dg.AssetKey(["marts", "dim_programme"])]
    assert metadata["dagster/row_count"].value == 42
    columns = {c.name: c for c in metadata["dagster/column_schema"].value.columns}
    assert columns["programme_ref"].type == "VARCHAR"
    assert columns["programme_ref"].description  # the YAML docs are kept
    staging = events[dg.AssetKey(["staging", "stg_programme_records__programme_records"])]
    (staged,) = query(
        first, "SELECT count(*) FROM staging.stg_programme_records__programme_records"
    )[0]
    assert staging["dagster/row_count"].value == staged == 42  # views too


def test_a_new_file_rebuilds_only_what_depends_on_it(env, first_run):
    """A one-record file from a new organisation: only the programme-records part of the dbt
    project is rebuilt (not the literature models), and the programme is published."""
    settings, defs, instance, _ = env
    drop_one_record(settings, "new-partner", "GBR-NEW-0001")
    outcome = run_pipeline(defs, instance)
    assert outcome.success, outcome
    plan = outcome.build_plan
    assert plan.kind == "partial" and "programme_records" in plan.changed
    rebuilt = {e.asset_key for e in outcome.build.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "dim_programme"]) in rebuilt and PUBLISHED in rebuilt
    assert dg.AssetKey(["marts", "dim_publication"]) not in rebuilt
    assert published_count(settings, "GBR-NEW-0001") == 1
    assert run_pipeline(defs, instance).build_plan.kind == "none"


def test_a_bi_client_reads_the_published_copy_while_a_run_writes_and_publishes(
    env, first_run, tmp_path
):
    """A BI tool (SQLAlchemy + duckdb-engine, inspect and a pandas read, in its own process)
    reads the published copy over and over while a run ingests a file, builds and publishes:
    every read succeeds and new connections see the publish; a connection held open (another
    process) keeps its snapshot until it reconnects."""
    settings, defs, instance, _ = env
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
        outcome = run_pipeline(defs, instance)
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


def test_one_new_file_is_ingested_and_published_in_one_run(env, first_run):
    """What the sensor does under `dagster dev` for a single new file while nothing runs: one
    run ingests it, builds what depends on it and publishes; the build sensor then has nothing
    left to do (no second build)."""
    from pipelines.warehouse.automation import evaluate_build

    settings, defs, instance, _ = env
    drop_one_record(settings, "fast-partner", "GBR-FAST-0001")
    with dg.build_sensor_context(instance=instance) as context:
        before = evaluate_build(context)
    (request,) = tick_landing_sensor(defs, instance, fast_path=True).run_requests
    assert request.job_name == "ingest_and_publish_programme_records"  # the journal included
    run = ingest(defs, instance, request)
    assert run.success
    done = {e.asset_key for e in run.get_asset_materialization_events()}
    assert {dg.AssetKey(["raw", "landing_entries"]), PUBLISHED} <= done
    assert published_count(settings, "GBR-FAST-0001") == 1
    with dg.build_sensor_context(instance=instance, cursor=before.cursor) as context:
        assert not evaluate_build(context).run_requests


def test_new_file_triggers_downstream_automation_and_history(env, first_run):
    settings, defs, instance, _ = env
    source = SAMPLE_DIR / "uk_partnerships_2002.csv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0]
    bedfordshire = next(line for line in lines if line.startswith("GBR-BEDS-SIP,"))
    updated = settings.landing_dir / "learning-teams-sample" / "bedfordshire_update.csv"
    updated.write_text(header + bedfordshire.replace(",39,", ",41,", 1), encoding="utf-8")

    # As the build sensor does: look, new data arrives, look again from the cursor.
    from pipelines.warehouse.automation import evaluate_build

    with dg.build_sensor_context(instance=instance) as context:
        before = evaluate_build(context)
    (request,) = ingest_requests(tick_landing_sensor(defs, instance))
    assert ingest(defs, instance, request).success
    with dg.build_sensor_context(instance=instance, cursor=before.cursor) as context:
        after = evaluate_build(context)
    (build_request,) = after.run_requests  # one run: the whole downstream chain and publish
    requested = set(build_request.asset_selection)
    for key in (
        ["staging", "stg_programme_records__programme_records"],
        ["marts", "dim_programme"],
        ["published", "warehouse"],
    ):
        assert dg.AssetKey(key) in requested, key
    assert dg.AssetKey(["marts", "dim_publication"]) not in requested  # literature unchanged

    assert build(defs, instance).success
    history = query(
        settings,
        """
        SELECT schools_count, is_current FROM marts.dim_programme_history
        WHERE programme_ref = 'GBR-BEDS-SIP' ORDER BY valid_from""",
    )
    assert history == [(39, False), (41, True)]


def test_rebuild_from_the_archive_gives_the_same_marts_and_history(env, first_run, tmp_path):
    """The warehouse built file by file (with a later update) equals one rebuilt from the
    archive alone, history included (validity comes from the deliveries, not from build time)."""
    from pipelines.programme_records.admin import rebuild

    settings, defs, instance, patch = env
    source = (SAMPLE_DIR / "uk_partnerships_2002.csv").read_text(encoding="utf-8").splitlines()
    record = next(line for line in source if line.startswith("GBR-NCSL-NLC,"))
    assert ",6," in record
    update = settings.landing_dir / "learning-teams-sample" / "nlc_update.csv"
    update.write_text(source[0] + "\n" + record.replace(",6,", ",7,", 1) + "\n", encoding="utf-8")
    assert run_pipeline(defs, instance).build_ok
    rebuilt_path = tmp_path / "rebuilt" / "learning_teams.duckdb"
    with pytest.MonkeyPatch.context() as local:
        local.setenv("LT_WAREHOUSE_PATH", str(rebuilt_path))
        local.setenv("LT_PUBLISH_DIR", str(tmp_path / "rebuilt" / "published"))
        local.setenv("LT_BUILDS_DIR", str(tmp_path / "rebuilt" / "builds"))
        rebuilt_settings = Settings.from_env()
        with dg.instance_for_test(
            overrides={"concurrency": {"pools": {"default_limit": 1}}}
        ) as fresh:
            assert rebuild(build_definitions(rebuilt_settings), fresh)
    for table in ("marts.dim_programme_history", "marts.dim_programme", "raw.programme_records"):
        columns = "* EXCLUDE (_loaded_at)" if table.startswith("raw") else "*"
        original = query(settings, f"SELECT {columns} FROM {table} ORDER BY ALL")
        con = duckdb.connect(str(rebuilt_path), read_only=True)
        again = con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
        con.close()
        assert again == original, table
    history = query(
        settings,
        """SELECT schools_count, is_current FROM marts.dim_programme_history
           WHERE programme_ref = 'GBR-NCSL-NLC' ORDER BY valid_from""",
    )
    assert history == [(6, False), (7, True)]


def test_failing_blocking_check_stops_the_python_asset_downstream(env, first_run, tmp_path):
    settings, defs, instance, patch = env
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
    patch.setenv("LT_EXPECTATIONS_DIR", str(suites))
    try:
        result = build(defs, instance)
    finally:
        patch.delenv("LT_EXPECTATIONS_DIR")
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert "ge_dim_programme" in failed
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "dim_programme"]) in materialized
    assert PUBLISHED not in materialized
    assert published.stat().st_mtime_ns == published_before
    assert fingerprint(settings, "marts.dim_programme") == live_before  # candidate not promoted


def _write_unmapped_row_into_raw(con: duckdb.DuckDBPyConnection, file_id: str) -> None:
    """A copy of a loaded row with an unknown actor, written into raw past the contract, under
    a file id with no row in programme_record_files (so it lists its supplied columns itself)."""
    con.execute(f"""
        INSERT INTO raw.programme_records
        SELECT r.* REPLACE ('ZZZ-UNMAPPED' AS programme_ref, 'wizards' AS actors,
                            '{file_id}' AS _file_id,
                            {supplied_columns_sql("r", "f")} AS _supplied_columns)
        FROM raw.programme_records AS r
        JOIN raw.programme_record_files AS f ON f.file_id = r._file_id
        LIMIT 1""")


def test_failing_dbt_test_leaves_live_marts_and_published_copy_unchanged(env, first_run):
    """A row that bypassed the contract (written straight into raw) breaks a dbt test: the
    candidate build fails and neither the live marts nor the published copy change."""
    settings = env[0]
    defs, instance = env[1], env[2]
    published = settings.publish_dir / "learning_teams.duckdb"
    before = (published.stat().st_mtime_ns, fingerprint(settings, "marts.dim_programme"))
    con = duckdb.connect(str(settings.warehouse_path))
    _write_unmapped_row_into_raw(con, "bypass@0")
    con.close()
    try:
        result = build(defs, instance)
        failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
        assert "not_null_int_programme_actors_unnested_actor_code" in failed
        assert PUBLISHED not in {e.asset_key for e in result.get_asset_materialization_events()}
        after = (published.stat().st_mtime_ns, fingerprint(settings, "marts.dim_programme"))
        assert after == before
    finally:
        con = duckdb.connect(str(settings.warehouse_path))
        con.execute("DELETE FROM raw.programme_records WHERE _file_id = 'bypass@0'")
        con.close()


def test_run_summary_names_marts_and_quarantined_rows(env, first_run):
    from pipelines.summary import summarise

    text = summarise(env[0].warehouse_path)
    assert "marts.dim_programme" in text and "marts.fct_country_summary" in text
    assert "late_submissions_2024.csv row 4: country_code 'UK'" in text


def test_dbt_tests_fail_when_a_source_code_is_not_mapped(env, first_run, tmp_path):
    """The crosswalk test proves every submitted actor maps to a codebook code: an alias that
    slipped into raw unmapped (written directly, on a copy of the warehouse) fails dbt build."""
    import subprocess

    from pipelines.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

    copy = tmp_path / "learning_teams.duckdb"
    shutil.copyfile(env[0].warehouse_path, copy)
    con = duckdb.connect(str(copy))
    _write_unmapped_row_into_raw(con, "feed@0")
    con.close()
    result = subprocess.run(
        [
            DBT_EXECUTABLE,
            "build",
            "--select",
            "int_programme_actors_unnested",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env={**os.environ, "LT_WAREHOUSE_PATH": str(copy)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "FAIL 1 not_null_int_programme_actors_unnested_actor_code" in result.stdout


def test_failed_raw_audit_publishes_nothing_and_never_blocks_other_files(env, first_run):
    """Runs last. A file whose rows fail the raw audit (here: most of its records quarantined,
    so probably the wrong format) publishes none of them, not even its good-looking record, and
    its run fails naming the file and the check; the next good file still flows to the marts."""
    settings, defs, instance, patch = env

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
    outcome = run_pipeline(defs, instance)
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
