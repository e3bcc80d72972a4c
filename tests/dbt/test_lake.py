"""The DuckLake target on a real PostgreSQL catalog. Programme records loaded straight into the
lake (LT_WAREHOUSE_BACKEND=lake) and published; a second process reads the published snapshot
over and over while `lake build` builds the marts there (it is never blocked and never sees the
build half-done); the published marts equal, row for row, those the embedded file builds from
the same deliveries. What is written after the last publish is not seen by readers; two writers
append to one lake table at once."""

import os
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from expectations.programme_records_audit import audit_delivery
from pipelines.settings import EXCEL_EXTENSION, SEEDS_DIR
from pipelines.warehouse import lake
from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from pipelines.warehouse.resource import WarehouseResource
from sources.programme_records.loader import load_file
from tests.conftest import SAMPLE_DIR, SAMPLE_ORGANISATION
from tests.dbt.run_dbt import dbt
from tests.sources.programme_records.helpers import delivery_of

pytestmark = pytest.mark.heavy

# Tests of the selected models only (not those that also read an unselected model).
CAUTIOUS = ["--indirect-selection", "cautious"]

READER = textwrap.dedent(
    """
    import select, sys, time
    from pipelines.warehouse import lake

    settings = lake.LakeSettings.from_env()
    while True:
        con = lake.connect(settings, published=True)
        count = con.execute(f"SELECT count(*) FROM {sys.argv[1]}").fetchone()[0]
        con.close()
        print(time.monotonic(), count, flush=True)
        if select.select([sys.stdin], [], [], 0.5)[0]:  # "stop", or half a second passed
            break
    """
)


@pytest.fixture(scope="module")
def lake_settings(new_lake):
    settings = new_lake("lake")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings.dbt_env().items():
            patch.setenv(key, value)
        yield settings


def _rows(con, table: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM marts.{table} ORDER BY ALL").fetchall()


def test_readers_see_the_published_snapshot_not_what_is_written_after_it(lake_settings):
    """What a build writes after the last publish (here, by hand) stays invisible to readers
    until it is published: a failed build, which never publishes, is never seen."""
    settings = lake_settings
    writer = lake.connect(settings)
    writer.execute("CREATE SCHEMA IF NOT EXISTS scratch")
    lake.publish(writer, lake.current_snapshot(writer), note="before")
    writer.execute("CREATE OR REPLACE TABLE scratch.unpublished AS SELECT 42 AS answer")
    reader = lake.connect(settings, published=True)
    assert not reader.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'unpublished'"
    ).fetchone()[0]
    lake.publish(writer, lake.current_snapshot(writer), note="test")
    reader.close()
    reader = lake.connect(settings, published=True)
    assert reader.execute("SELECT answer FROM scratch.unpublished").fetchall() == [(42,)]
    reader.close()
    writer.execute("DROP TABLE scratch.unpublished")
    writer.close()


WRITER = textwrap.dedent(
    """
    import sys
    from pipelines.warehouse import lake

    con = lake.connect(lake.LakeSettings.from_env())
    print("ready", flush=True)
    sys.stdin.readline()  # both writers start together
    for batch in range(10):
        con.execute(
            "INSERT INTO scratch.deliveries SELECT ?, ?, range FROM range(1000)",
            [sys.argv[1], batch],
        )
    """
)


def test_two_writers_commit_to_the_same_lake_table_at_once(lake_settings):
    """What two ingests on the lake need from it: two processes appending to one table at the
    same time both commit (DuckLake retries a commit that raced another non-conflicting one).
    The ingests themselves, at once: tests/pipelines/programme_records/test_lake_ingest.py."""
    settings = lake_settings
    con = lake.connect(settings)
    con.execute("CREATE SCHEMA IF NOT EXISTS scratch")
    con.execute("CREATE OR REPLACE TABLE scratch.deliveries (writer VARCHAR, batch INT, n BIGINT)")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    assert [w.stdout.readline().strip() for w in writers] == ["ready", "ready"]
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err[-2000:]
    counts = con.execute("SELECT writer, count(*) FROM scratch.deliveries GROUP BY ALL ORDER BY 1")
    assert counts.fetchall() == [("a", 10_000), ("b", 10_000)]
    con.execute("DROP TABLE scratch.deliveries")
    con.close()


PROGRAMME_MARTS = ["dim_programme", "fct_programme_actor", "fct_country_summary"]


def _load_samples(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every bundled programme-records file, delivered a day apart, through the loader and
    its audit (as the ingest asset does). Returns each file's status."""
    statuses = []
    for day, path in enumerate(sorted(SAMPLE_DIR.glob("*.*")), start=1):
        if path.suffix not in {".csv", ".json", ".xlsx"}:
            continue
        delivery = delivery_of(path, SAMPLE_ORGANISATION, f"2026-01-{day:02d}T00:00:00+00:00")
        result = load_file(
            con,
            path,
            delivery,
            seeds_dir=SEEDS_DIR,
            excel_extension=EXCEL_EXTENSION,
            audit=audit_delivery,
        )
        statuses.append(result.status)
    return statuses


def test_programme_marts_built_on_the_lake_from_direct_loads_equal_the_embedded_ones(
    new_lake, tmp_path, monkeypatch
):
    """The deliveries written straight into the lake by the ingest's resource and loader (no
    copy from an embedded file) and published, then `python -m pipelines.warehouse.lake build`
    (dbt build at the head, then publish) while a second process reads the published snapshot
    over and over: it is never blocked and sees the published raw only, and afterwards the
    published programme marts equal, row for row, the ones the embedded file builds from the
    same deliveries."""
    settings = new_lake("lake_records")
    warehouse = WarehouseResource(
        database_path=str(tmp_path / "unused" / "learning_teams.duckdb"),
        publish_dir=str(tmp_path / "published"),
        backend="lake",
        lake_catalog_dsn=settings.catalog_dsn,
        lake_data_path=str(settings.data_path),
    )
    with warehouse.connect() as con:
        lake_statuses = _load_samples(con)
    embedded = tmp_path / "embedded" / "learning_teams.duckdb"
    embedded.parent.mkdir()
    con = duckdb.connect(str(embedded))
    ensure_raw_schemas(con)
    assert _load_samples(con) == lake_statuses
    con.close()
    assert lake_statuses.count("partially_loaded") == 1  # the sample's two bad rows

    writer = lake.connect(settings)
    lake.publish(writer, lake.current_snapshot(writer), note="raw")
    writer.close()

    select = ["--select", " ".join(f"+{m}" for m in PROGRAMME_MARTS), *CAUTIOUS]
    env = {**os.environ, **settings.dbt_env(), "LT_BUILDS_DIR": str(tmp_path / "builds")}
    reader = subprocess.Popen(  # a second process reading the published snapshot
        [sys.executable, "-c", READER, "raw.programme_records"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    reader.stdout.readline()  # it has read once
    started = time.monotonic()
    lake_build = subprocess.Popen(  # side by side with the embedded build (2 cores)
        [sys.executable, "-m", "pipelines.warehouse.lake", "build", *select],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    monkeypatch.setenv("LT_DBT_TARGET", "local")  # not the module's lake (lake_settings)
    done = dbt(["build", *select], embedded)
    out, err = lake_build.communicate(timeout=300)
    ended = time.monotonic()
    reads, _ = reader.communicate("stop\n", timeout=60)
    during = [
        int(count)
        for at, count in (r.split() for r in reads.splitlines())
        if started < float(at) < ended
    ]
    assert len(during) >= 2  # never blocked by the writer
    assert set(during) == {42}  # the published raw, never a half-built state
    assert done.returncode == 0, done.stdout[-4000:]
    assert lake_build.returncode == 0, out[-4000:] + err[-2000:]
    assert out.strip().endswith("published")

    published = lake.connect(settings, published=True)
    local = duckdb.connect(str(embedded), read_only=True)
    try:
        assert published.execute("SELECT count(*) FROM raw.programme_records").fetchone()[0] == 42
        nullable = published.execute(  # the contract's NOT NULL holds on the lake too
            """SELECT column_name, is_nullable FROM duckdb_columns()
               WHERE schema_name = 'marts' AND table_name = 'dim_programme'
               AND column_name IN ('programme_sk', 'programme_ref', 'end_year')"""
        ).fetchall()
        assert sorted(set(nullable)) == [
            ("end_year", True),
            ("programme_ref", False),
            ("programme_sk", False),
        ]
        for mart in PROGRAMME_MARTS:
            rows = _rows(published, mart)
            assert rows, mart
            assert rows == _rows(local, mart), mart
    finally:
        published.close()
        local.close()
