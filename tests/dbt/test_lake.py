"""The DuckLake target on a real PostgreSQL catalog: the raw tables of the demo literature
warehouse are copied into the lake and published; a second process reads the published
snapshot over and over while dbt builds the marts on the lake (it is never blocked and never
sees the build half-done); after the build the marts are published and equal, row for row, the
marts the embedded file built from the same inputs. A failing build publishes nothing."""

import subprocess
import sys
import textwrap
import time

import pytest

from pipelines.warehouse import lake

MARTS = ["dim_publication", "fct_citation", "fct_publication_country"]
SELECT = ["--select", " ".join(f"+{m}" for m in MARTS), "--indirect-selection", "cautious"]

READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pipelines.warehouse import lake

    settings, stop = lake.LakeSettings.from_env(), Path(sys.argv[1])
    while not stop.exists():
        con = lake.connect(settings, published=True)
        count = con.execute("SELECT count(*) FROM raw.openalex_works").fetchone()[0]
        con.close()
        print(time.monotonic(), count, flush=True)
    """
)


@pytest.fixture(scope="module")
def lake_settings(postgres, tmp_path_factory, demo):
    url = postgres.create_database("lake")
    dsn = f"dbname=lake host={postgres.host} port={postgres.port} user={postgres.user}"
    settings = lake.LakeSettings(dsn, tmp_path_factory.mktemp("lake") / "data")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings.dbt_env().items():
            patch.setenv(key, value)
        yield settings, url


def _embedded_path(con) -> str:
    return con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = 'learning_teams'"
    ).fetchone()[0]


def _rows(con, table: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM marts.{table} ORDER BY ALL").fetchall()


def test_marts_built_on_the_lake_equal_the_embedded_ones(lake_settings, demo, tmp_path):
    settings, _ = lake_settings
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
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(stop)], stdout=subprocess.PIPE, text=True
    )
    reader.stdout.readline()  # it has read once
    started = time.monotonic()
    published, done = lake.build_and_publish(settings, SELECT, tmp_path / "target")
    ended = time.monotonic()
    stop.touch()
    out, _ = reader.communicate(timeout=60)
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


def test_a_failing_build_publishes_nothing(lake_settings, tmp_path):
    settings, _ = lake_settings
    con = lake.connect(settings, read_only=True)
    before = lake.published_snapshot(con)
    con.close()
    published, done = lake.build_and_publish(
        settings,
        ["--select", "model_that_does_not_exist_and_a_typo+", "--fail-fast", "--warn-error"],
    )
    assert not published and done.returncode != 0
    con = lake.connect(settings, read_only=True)
    assert lake.published_snapshot(con) == before
    con.close()
