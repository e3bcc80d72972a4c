"""The DuckLake target on a real PostgreSQL catalog: the raw tables of the demo literature
warehouse are copied into the lake and published; a second process reads the published
snapshot over and over while dbt builds the marts on the lake (it is never blocked and never
sees the build half-done); after the build the marts are published and equal, row for row, the
marts the embedded file built from the same inputs. What is written after the last publish is
not seen by readers."""

import subprocess
import sys
import textwrap
import time

import pytest

from pipelines.warehouse import lake

MARTS = ["dim_publication", "fct_citation"]
SELECT = ["--select", " ".join(f"+{m}" for m in MARTS), "--indirect-selection", "cautious"]

READER = textwrap.dedent(
    """
    import select, sys, time
    from pipelines.warehouse import lake

    settings = lake.LakeSettings.from_env()
    while True:
        con = lake.connect(settings, published=True)
        count = con.execute("SELECT count(*) FROM raw.openalex_works").fetchone()[0]
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


def _embedded_path(con) -> str:
    return con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = 'learning_teams'"
    ).fetchone()[0]


def _rows(con, table: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM marts.{table} ORDER BY ALL").fetchall()


def test_marts_built_on_the_lake_equal_the_embedded_ones(lake_settings, demo, tmp_path):
    settings = lake_settings
    sync = subprocess.run(
        [sys.executable, "-m", "pipelines.warehouse.lake", "sync-raw", _embedded_path(demo)],
        capture_output=True,
        text=True,
    )
    assert sync.returncode == 0, sync.stderr
    con = lake.connect(settings)
    lake.publish(con, lake.current_snapshot(con), note="raw")
    raw_count = con.execute("SELECT count(*) FROM raw.openalex_works").fetchone()[0]
    con.close()

    # A second process keeps reading the published snapshot while dbt writes the lake.
    reader = subprocess.Popen(
        [sys.executable, "-c", READER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    reader.stdout.readline()  # it has read once
    started = time.monotonic()
    published, done = lake.build_and_publish(settings, SELECT, tmp_path / "target")
    ended = time.monotonic()
    out, _ = reader.communicate("stop\n", timeout=60)
    assert published, done.stdout[-4000:]
    reads = [line.split() for line in out.splitlines()]
    during = [int(count) for at, count in reads if started < float(at) < ended]
    assert len(during) >= 2  # never blocked by the writer
    assert set(during) == {raw_count}  # the published raw, never a half-built state

    published = lake.connect(settings, published=True)
    try:
        for mart in MARTS:
            rows = _rows(published, mart)
            assert rows, mart
            assert rows == _rows(demo, mart), mart
    finally:
        published.close()


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
    The project's raw loads do not write the lake yet (README, Operations)."""
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
