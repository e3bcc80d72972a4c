"""The published copy: only what readers need (marts and reference data, with descriptions
and constraints), written new and renamed over the old, so a reader holding it open, even
read-write, never delays a run; and nothing else in a run opens it."""

import subprocess
import sys

import duckdb
import pytest

from pipelines.cli import run_summary
from pipelines.make_run.driver import PipelineOutcome
from pipelines.warehouse import build_inputs, publish
from pipelines.warehouse.build_inputs import plan_build, record_inputs
from pipelines.warehouse.publish import write_published_copy

LIVE_SQL = """
CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA marts; CREATE SCHEMA reference;
CREATE TABLE raw.programme_records_quarantine AS SELECT 'root:x:0:0:root' AS raw_record;
CREATE VIEW staging.stg_x AS SELECT * FROM raw.programme_records_quarantine;
CREATE TABLE reference.countries (country_code VARCHAR NOT NULL PRIMARY KEY, name VARCHAR);
INSERT INTO reference.countries VALUES ('GHA', 'Ghana'), ('KEN', 'Kenya');
CREATE TABLE marts.dim_programme (programme_ref VARCHAR NOT NULL, country_code VARCHAR);
INSERT INTO marts.dim_programme VALUES ('P1', 'GHA');
COMMENT ON TABLE marts.dim_programme IS 'One programme';
COMMENT ON COLUMN marts.dim_programme.programme_ref IS 'The organisation''s reference';
COMMENT ON TABLE reference.countries IS 'ISO countries';
"""

HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])  # read-WRITE, as a careless BI tool would
print(con.execute("SELECT count(*) FROM marts.dim_programme").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM marts.dim_programme").fetchone()[0], flush=True)
"""


@pytest.fixture
def live(tmp_path):
    path = tmp_path / "live" / "learning_teams.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    con.execute(LIVE_SQL)
    record_inputs(con, {"dbt_project": "p1"})
    con.close()
    return path


def publish_from(live, target):
    con = duckdb.connect(str(live))
    try:
        return write_published_copy(con, target)
    finally:
        con.close()


def test_the_published_copy_holds_marts_and_reference_data_with_their_docs(live, tmp_path):
    target = tmp_path / "published" / "learning_teams.duckdb"
    target.parent.mkdir()
    counts = publish_from(live, target)
    assert counts == {"marts.dim_programme": 1, "reference.countries": 2}
    con = duckdb.connect(str(target), read_only=True)
    schemas = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT schema_name FROM duckdb_tables() UNION "
            "SELECT DISTINCT schema_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
    }
    assert schemas == {"marts", "reference"}  # no raw bytes, quarantine, staging or _meta
    comments = con.execute("SELECT table_name, comment FROM duckdb_tables() ORDER BY 1").fetchall()
    assert comments == [("countries", "ISO countries"), ("dim_programme", "One programme")]
    column = con.execute(
        "SELECT comment, is_nullable FROM duckdb_columns() "
        "WHERE table_name = 'dim_programme' AND column_name = 'programme_ref'"
    ).fetchone()
    assert column == ("The organisation's reference", False)  # description and contract kept
    con.close()
    raw = target.read_bytes()
    assert b"root:x:0:0" not in raw  # not even in freed blocks: the file is written new


def test_a_reader_holding_the_published_copy_read_write_delays_nothing(live, tmp_path, monkeypatch):
    target = tmp_path / "published" / "learning_teams.duckdb"
    target.parent.mkdir()
    publish_from(live, target)
    build_inputs.record_published_inputs(target, {"dbt_project": "p1"})
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "1"  # it holds the file, read-write
        with pytest.raises(duckdb.IOException):  # as every other process now finds it
            duckdb.connect(str(target), read_only=True)
        opened = []
        real_connect = duckdb.connect

        def watching_connect(database=":memory:", *args, **kwargs):
            opened.append(str(database))
            return real_connect(database, *args, **kwargs)

        monkeypatch.setattr(duckdb, "connect", watching_connect)
        with real_connect(str(live)) as con:  # the run's build added a programme
            con.execute("INSERT INTO marts.dim_programme VALUES ('P2', 'KEN')")
        assert publish_from(live, target)["marts.dim_programme"] == 2  # the run publishes
        monkeypatch.setattr(build_inputs, "project_fingerprint", lambda: "p1")
        plan = plan_build(live, target, {})  # what the next run plans
        settings = type(
            "S",
            (),
            {
                "archive_dir": tmp_path / "archive",
                "publish_dir": target.parent,
                "warehouse_path": live,
                "log_dir": tmp_path / "logs",
            },
        )()
        summary = run_summary(settings, PipelineOutcome(log_file=tmp_path / "run.log"))
        assert str(target) not in opened, "nothing in a run opens the published copy"
        assert plan.kind == "none"  # from the inputs recorded beside the published copy
        assert "published: 1 marts, 2 rows" in summary, summary
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"  # the reader keeps the copy it opened
    finally:
        reader.kill()
        reader.wait()
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT count(*) FROM marts.dim_programme").fetchone()[0] == 2
    con.close()
    assert publish.PUBLISHED_SCHEMAS == ("marts", "reference")
