"""Loading: good rows load, bad rows are quarantined with reasons, nothing is lost, re-runs
change nothing."""

from sources.programme_records.loader import AuditOutcome
from sources.programme_records.raw_schema import FILES_TABLE, QUARANTINE_TABLE, RECORDS_TABLE
from tests.conftest import SAMPLE_DIR

from .helpers import HEADER, good_record, load, write_csv


def table(con, name, order="1"):
    return con.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()


def test_good_rows_load_and_bad_rows_are_quarantined(con, tmp_path):
    path = write_csv(
        tmp_path / "mixed.csv",
        [
            good_record("M-1"),
            good_record("M-2", country_code="UK"),
            good_record("M-3"),
        ],
    )
    result = load(con, path)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert result.status == "partially_loaded"
    refs = con.execute(f"SELECT programme_ref FROM {RECORDS_TABLE} ORDER BY 1").fetchall()
    assert refs == [("M-1",), ("M-3",)]
    quarantined = con.execute(
        f"SELECT _file_name, _row_number, programme_ref, reason, raw_record FROM {QUARANTINE_TABLE}"
    ).fetchone()
    assert quarantined[:3] == ("mixed.csv", 3, "M-2")
    assert "country_code 'UK'" in quarantined[3]
    assert quarantined[4].startswith("M-2,")  # the row as submitted is kept


def test_unreadable_file_is_quarantined_whole(con, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = load(con, path)
    assert (result.status, result.rows_quarantined) == ("rejected", 1)
    assert result.messages == ["empty.csv the whole file was rejected: the file is empty"]
    status = con.execute(f"SELECT status, message FROM {FILES_TABLE}").fetchone()
    assert status == ("rejected", "the file is empty")


def test_loading_twice_changes_nothing(con, tmp_path):
    path = write_csv(tmp_path / "twice.csv", [good_record("T-1"), good_record("T-2", level="x")])
    load(con, path)
    before = [table(con, t) for t in (RECORDS_TABLE, QUARANTINE_TABLE, FILES_TABLE)]
    load(con, path)
    after = [table(con, t) for t in (RECORDS_TABLE, QUARANTINE_TABLE, FILES_TABLE)]
    assert before == after


def test_bundled_sample_loads_with_exactly_the_two_documented_bad_rows(con):
    results = [load(con, p) for p in sorted(SAMPLE_DIR.iterdir()) if p.suffix != ".md"]
    assert {r.file_format for r in results} == {"csv", "json", "xlsx"}
    problems = [p for r in results for p in r.messages]
    assert len(problems) == 2, problems
    assert any("country_code 'UK'" in p for p in problems)
    assert any("end_year 2019 is before start_year 2021" in p for p in problems)
    loaded = con.execute(f"SELECT count(*) FROM {RECORDS_TABLE}").fetchone()[0]
    assert loaded == sum(r.rows_loaded for r in results) >= 40


def test_the_audit_sees_the_candidate_rows_in_duckdb_and_as_a_frame(con, tmp_path):
    path = write_csv(tmp_path / "seen.csv", [good_record("S-1"), good_record("S-2", level="x")])
    seen = {}

    def audit(rows):
        seen["len"] = len(rows)
        seen["frame"] = rows.frame()["programme_ref"].tolist()
        seen["sql"] = rows.connection.execute(
            f"SELECT list(_row_number) FROM {rows.relation}"
        ).fetchone()[0]
        return AuditOutcome(True, "audit", "ok")

    result = load(con, path, audit=audit)
    assert seen == {"len": 1, "frame": ["S-1"], "sql": [2]}
    assert result.reason_counts() == {"level '...' is not one of: local, regional, national": 1}
    assert result.quarantine_summary().startswith("- **1** × level '...' is not one of")
    assert "\n  - row 3: level 'x'" in result.quarantine_summary()


def test_reasons_show_the_value_and_put_the_root_cause_first(con, tmp_path):
    records = [
        good_record("R-1", country_code="UK"),
        good_record("R-2", country_code="XX"),
        good_record("R-3", country_code="UK"),
    ]
    path = write_csv(tmp_path / "values.csv", records)
    assert load(con, path).reason_lines() == [
        "3 × country_code 'UK' is not an ISO 3166-1 alpha-3 country code (three letters), and alike"
    ]
    misnamed = [h if h != "programme_name" else "programme_nme" for h in HEADER]
    path = write_csv(tmp_path / "misnamed.csv", [good_record("N-1"), good_record("N-2")], misnamed)
    assert load(con, path).reason_lines() == [
        "2 × unknown column(s) 'programme_nme' (did you mean 'programme_name'?) "
        "(see the data contract)",
        "2 × programme_name is required but empty",
    ]


def test_the_reference_year_is_the_delivery_year_never_today(con, tmp_path):
    """start_year may be at most the year after the delivery: the same file is judged the
    same whenever it is loaded, whatever the clock says."""
    path = write_csv(tmp_path / "ahead.csv", [good_record("Y-1", start_year="2031")])
    early = load(con, path, reference_year=None, delivered_at="2029-12-31T23:00:00+00:00")
    assert early.status == "rejected" and "start_year 2031" in early.messages[0]
    late = load(con, path, reference_year=None, delivered_at="2030-01-01T00:00:00+00:00")
    assert late.status == "loaded"
    pinned = load(con, path, reference_year=2029, delivered_at="2030-01-01T00:00:00+00:00")
    assert pinned.status == "rejected"
