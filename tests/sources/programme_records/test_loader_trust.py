"""Write-audit-publish and no silent loss: a failed audit publishes nothing, an omitted column
is reported (and kept by the warehouse), a truncated JSON file keeps its complete records,
messages never show a server path, and records belong to the organisation that delivered them.
"""

import json

from sources.programme_records.loader import AuditOutcome
from sources.programme_records.raw_schema import (
    FILES_TABLE,
    QUARANTINE_TABLE,
    RECORDS_TABLE,
    supplied_columns_sql,
)

from .helpers import HEADER, good_record, load, write_csv, write_json


def count(con, table, where="true"):
    return con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def test_failed_audit_publishes_none_of_the_files_rows(con, tmp_path):
    seen = []

    def failing_audit(df):
        seen.append(len(df))
        return AuditOutcome(False, "ge_raw_programme_records", "1 failed: a rule")

    path = write_csv(tmp_path / "audited.csv", [good_record("A-1"), good_record("A-2")])
    result = load(con, path, audit=failing_audit)
    assert seen == [2]  # the audit saw the rows before anything was visible
    assert result.status == "failed_audit" and result.rows_loaded == 0
    assert count(con, RECORDS_TABLE) == 0
    assert con.execute(f"SELECT status, message FROM {FILES_TABLE}").fetchone() == (
        "failed_audit",
        "1 failed: a rule",
    )


def test_passing_audit_publishes(con, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [good_record("A-1")])
    result = load(con, path, audit=lambda df: AuditOutcome(True, "audit", "ok"))
    assert (result.status, count(con, RECORDS_TABLE)) == ("loaded", 1)


def test_omitted_optional_column_is_recorded_not_erased(con, tmp_path):
    first = write_csv(tmp_path / "first.csv", [good_record("O-1")])
    load(con, first)
    header = [h for h in HEADER if h != "teachers_count"]
    second = write_csv(tmp_path / "second.csv", [good_record("O-1")], header=header)
    result = load(con, second, delivered_at="2026-02-01T00:00:00+00:00")
    assert any("teachers_count" in n and "kept" in n for n in result.notices)
    supplied = con.execute(
        f"SELECT list_contains({supplied_columns_sql('r', 'f')}, 'teachers_count'), "
        f"r._supplied_columns FROM {RECORDS_TABLE} AS r "
        f"JOIN {FILES_TABLE} AS f ON f.file_id = r._file_id ORDER BY r._delivered_at"
    ).fetchall()
    # a CSV's records all supply its header's columns: kept once, on the file
    assert supplied == [(True, None), (False, None)]
    (not_supplied,) = con.execute(
        f"SELECT columns_not_supplied FROM {FILES_TABLE} WHERE file_name = 'second.csv'"
    ).fetchone()
    assert "teachers_count" in not_supplied


def test_truncated_json_keeps_complete_records_and_names_the_break(con, tmp_path):
    records = [good_record(f"T-{i}") for i in range(1, 4)]
    text = json.dumps(records)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"T-3"') + 10], encoding="utf-8")
    result = load(con, path)
    assert result.rows_loaded == 2
    assert [r for r, _ in result.problems] == [3]
    assert "record 3 could not be read" in result.messages[0]
    assert "truncated" in result.messages[0]
    refs = con.execute(f"SELECT programme_ref FROM {RECORDS_TABLE} ORDER BY 1").fetchall()
    assert refs == [("T-1",), ("T-2",)]


def test_unclosed_json_array_keeps_every_record(con, tmp_path):
    text = json.dumps([good_record("U-1"), good_record("U-2")])
    path = tmp_path / "unclosed.json"
    path.write_text(text[:-1], encoding="utf-8")
    result = load(con, path)
    assert result.rows_loaded == 2
    assert "closing ']'" in result.messages[0]


def test_messages_name_the_delivered_file_never_a_server_path(con, tmp_path):
    path = write_json(tmp_path / "deep" / "x.json" if False else tmp_path / "bad.json", [])
    path.write_bytes(b'[{"a": 1}, nonsense')
    result = load(con, path)
    assert str(tmp_path) not in " ".join(result.messages)
    (stored,) = con.execute(f"SELECT string_agg(reason, ' ') FROM {QUARANTINE_TABLE}").fetchone()
    assert str(tmp_path) not in stored


def test_another_organisation_cannot_change_a_programme(con, tmp_path):
    load(con, write_csv(tmp_path / "mine.csv", [good_record("OWN-1")]), organisation="org-a")
    other = write_csv(
        tmp_path / "theirs.csv",
        [good_record("own-1", programme_name="Hijacked"), good_record("B-1")],
    )
    result = load(con, other, organisation="org-b", delivered_at="2026-03-01T00:00:00+00:00")
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert "belongs to organisation 'org-a'" in result.messages[0]
    names = con.execute(
        f"SELECT programme_name FROM {RECORDS_TABLE} WHERE lower(programme_ref) = 'own-1'"
    ).fetchall()
    assert names == [("Cluster-based teacher learning circles",)]


def test_model_must_match_team_kind_also_when_held_from_an_earlier_file(con, tmp_path):
    load(
        con,
        write_csv(
            tmp_path / "a.csv",
            [good_record("M-1", collaboration_model="teacher_triad")],
            header=[*HEADER, "collaboration_model"],
        ),
    )
    later = write_csv(tmp_path / "b.csv", [good_record("M-1", team_kind="cross_sector")])
    result = load(con, later, delivered_at="2026-02-01T00:00:00+00:00")
    assert result.rows_quarantined == 1
    assert "'teacher_triad' belongs to team kind within_school" in result.messages[0]
    assert "held from an earlier file" in result.messages[0]


def test_oversized_field_keeps_a_bounded_prefix(con, tmp_path):
    path = write_csv(tmp_path / "big.csv", [good_record("BIG-1", programme_name="x" * 50_000)])
    result = load(con, path)
    assert "programme_name is too long (50000 characters; at most 300)" in result.messages[0]
    length, kept = con.execute(
        f"SELECT raw_record_length, length(raw_record) FROM {QUARANTINE_TABLE}"
    ).fetchone()
    assert length > 50_000 and kept == 2_000
