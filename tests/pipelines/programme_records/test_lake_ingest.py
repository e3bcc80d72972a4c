"""Programme-records ingests on the shared warehouse (LT_WAREHOUSE_BACKEND=lake): two
deliveries ingested by two processes at the same moment, through the Dagster asset and the
lake-backed WarehouseResource, both commit every row; a fresh lake's raw tables created by two
writers at once, likewise.

The commits are made to race for real: the test holds an EXCLUSIVE lock on the catalog's
`ducklake_snapshot` table (reads go on, the writing of a snapshot waits) until both processes
are waiting to commit, then lets them go at once."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import psycopg2
import pytest

from pipelines.warehouse import lake
from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from sources.programme_records.archive import place_in_archive
from tests.conftest import SAMPLE_DIR, SAMPLE_ORGANISATION
from tests.sources.programme_records.helpers import delivery_of

pytestmark = pytest.mark.heavy

FILES = {"uk_partnerships_2002.csv": 18, "ghana_and_partners.json": 10}  # records, all valid

INGEST = textwrap.dedent(
    """
    import json, os, sys, time
    import dagster as dg
    from pipelines.programme_records.assets import raw_programme_records
    from pipelines.programme_records.partitions import programme_record_files
    from pipelines.programme_records.resources import LandingResource
    from pipelines.resources import lake_fields
    from pipelines.settings import Settings
    from pipelines.warehouse.resource import WarehouseResource

    file_id = sys.argv[1]
    settings = Settings.from_env()  # LT_WAREHOUSE_BACKEND=lake, LT_LAKE_* from the test
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(programme_record_files.name, [file_id])
    resources = {
        "warehouse": WarehouseResource(
            database_path=str(settings.warehouse_path),
            publish_dir=str(settings.publish_dir),
            **lake_fields(settings),
        ),
        "landing": LandingResource(
            landing_dir=str(settings.landing_dir), archive_dir=str(settings.archive_dir)
        ),
    }
    print(json.dumps({"pool": raw_programme_records.op.pool}), flush=True)
    for _ in sys.stdin:  # each "go": ingest the delivery (again), with the other process
        started = time.monotonic()
        result = dg.materialize(
            [raw_programme_records], partition_key=file_id, instance=instance,
            resources=resources, raise_on_error=False,
        )
        records = result.asset_materializations_for_node(raw_programme_records.op.name)
        print(json.dumps({
            "success": result.success,
            "seconds": round(time.monotonic() - started, 2),
            "rows": records[0].metadata["dagster/row_count"].value,
            "commit_attempts": records[0].metadata["commit_attempts"].value,
        }), flush=True)
    """
)

ENSURE = textwrap.dedent(
    """
    import sys
    from pipelines.warehouse import lake
    from sources.programme_records.raw_schema import ensure_raw_schema

    con = lake.connect(lake.LakeSettings.from_env())
    print("ready", flush=True)
    sys.stdin.readline()
    ensure_raw_schema(con)  # what an ingest does first
    print("done", flush=True)
    """
)


def _env(settings: lake.LakeSettings, root) -> dict[str, str]:
    return {
        **os.environ,
        **settings.dbt_env(),
        "LT_WAREHOUSE_BACKEND": "lake",
        "LT_WAREHOUSE_PATH": str(root / "warehouse" / "learning_teams.duckdb"),
        "LT_ARCHIVE_DIR": str(root / "archive"),
        "LT_LANDING_DIR": str(root / "landing"),
        "LT_PUBLISH_DIR": str(root / "published"),
    }


def _start(script: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


class _SnapshotsHeld:
    """Holds the catalog's snapshot table so that no commit can write its snapshot, until
    `release()`; `wait_for(n, processes)` returns once n backends wait on it."""

    def __init__(self, settings: lake.LakeSettings):
        self.con = psycopg2.connect(settings.catalog_dsn)
        self.con.cursor().execute("LOCK TABLE ducklake_snapshot IN EXCLUSIVE MODE")

    def waiting(self) -> int:
        with self.con.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_locks "
                "WHERE relation = 'ducklake_snapshot'::regclass AND NOT granted"
            )
            return cur.fetchone()[0]

    def wait_for(self, count: int, processes: list[subprocess.Popen], timeout=120.0) -> None:
        deadline = time.monotonic() + timeout
        while self.waiting() < count:
            for process in processes:
                if process.poll() is not None:
                    self.release()
                    pytest.fail(f"a writer ended before committing: {process.stderr.read()}")
            assert time.monotonic() < deadline, "the writers never reached their commits"
            time.sleep(0.02)  # polling the server, not waiting a fixed time

    def release(self) -> None:
        if not self.con.closed:
            self.con.rollback()
            self.con.close()


def _go(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()


def _snapshot_races(postgres) -> int:
    """Commits DuckLake found beaten to the next snapshot id (and retried), from the server log."""
    return postgres.log.read_text().count('violates unique constraint "ducklake_snapshot_pkey"')


def test_two_ingests_at_once_both_commit_every_row(new_lake, postgres, tmp_path):
    """Round 1: two new deliveries commit at the same moment; DuckLake retries the commit that
    lost the race for the next snapshot (inserts do not conflict). Round 2: both are ingested
    again at once; each deletes its earlier rows, so the second commit logically conflicts
    (an insert into a table the other deleted from) and the loader runs its transaction again.
    Both rounds: every row there once, one snapshot per delivery."""
    settings = new_lake("lake_two_ingests")
    con = lake.connect(settings)
    # The raw tables exist (a fresh lake's creation race is the next test): the commits race.
    ensure_raw_schemas(con)
    file_ids = {}
    for name in FILES:
        copy = shutil.copyfile(SAMPLE_DIR / name, tmp_path / name)
        delivery = delivery_of(tmp_path / name, organisation=SAMPLE_ORGANISATION)
        place_in_archive(tmp_path / "archive", delivery, copy)
        file_ids[name] = delivery.file_id
    ingests = [_start(INGEST, [file_ids[name]], _env(settings, tmp_path)) for name in FILES]
    try:
        for ingest in ingests:  # imported and configured; on the lake the step has no pool
            assert json.loads(ingest.stdout.readline()) == {"pool": None}, ingest.stderr.read()
        rounds = []
        for _ in range(2):
            before, races = lake.current_snapshot(con), _snapshot_races(postgres)
            outcomes = _ingest_at_once(settings, ingests)
            rounds.append((outcomes, _snapshot_races(postgres) - races))
            print("ingests at once:", outcomes, "snapshot races DuckLake retried:", rounds[-1][1])
            assert [o["success"] for o in outcomes] == [True, True]
            assert [o["rows"] for o in outcomes] == list(FILES.values())
            rows = con.execute(
                "SELECT _file_name, count(*) FROM raw.programme_records GROUP BY ALL"
            ).fetchall()
            assert dict(rows) == FILES  # nothing lost, nothing twice
            files = con.execute(
                "SELECT file_name, status, rows_loaded FROM raw.programme_record_files ORDER BY ALL"
            ).fetchall()
            assert files == sorted((name, "loaded", n) for name, n in FILES.items())
            # One commit (snapshot) per delivery: all its raw rows appear at once.
            assert lake.current_snapshot(con) == before + 2
    finally:
        for ingest in ingests:
            ingest.stdin.close()
            ingest.wait(timeout=60)
    con.close()
    (first, first_races), (second, _) = rounds
    assert first_races >= 1  # the first round's commits really raced
    assert [o["commit_attempts"] for o in first] == [1, 1]  # DuckLake settled it alone
    assert sorted(o["commit_attempts"] for o in second) == [1, 2]  # one ran again


def _ingest_at_once(settings: lake.LakeSettings, ingests: list[subprocess.Popen]) -> list[dict]:
    """Start both ingests, hold their commits until both are committing, let them go."""
    held = _SnapshotsHeld(settings)
    try:
        _go(ingests)
        held.wait_for(2, ingests)  # both have read, audited and are committing
    finally:
        held.release()
    outcomes = []
    for ingest in ingests:
        line = ingest.stdout.readline()
        assert line, ingest.stderr.read()[-3000:]
        outcomes.append(json.loads(line))
    return outcomes


def test_a_fresh_lakes_raw_tables_created_by_two_writers_at_once(new_lake, postgres):
    """Two first ingests on an empty lake both create the raw schema and the programme-records
    tables: one commit wins, the other conflicts (two creates of one name) and is run again,
    finding them made."""
    settings = new_lake("lake_fresh_raw")
    lake.connect(settings).close()  # the catalog's own tables (made once, when a lake is set up)
    env = _env(settings, settings.data_path.parent)
    writers = [_start(ENSURE, [], env) for _ in range(2)]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
    held = _SnapshotsHeld(settings)
    try:
        _go(writers)
        held.wait_for(2, writers)
    finally:
        held.release()
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err[-3000:]
        assert out.strip() == "done"
    con = lake.connect(settings, read_only=True)
    tables = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw'"
    ).fetchone()[0]
    con.close()
    assert tables == 4  # records, files, quarantine, landing entries
