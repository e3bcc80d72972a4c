"""The delivery audit can fail: each check is shown failing on a real input, or on a real bug
simulated by breaking the step before it (the contract filter, the reference data, the raw
table), and a failed audit publishes nothing."""

import shutil

import duckdb
import pytest

from expectations import programme_records_audit as audit
from pipelines.settings import EXCEL_EXTENSION, SEEDS_DIR
from sources.programme_records import loader, validation
from sources.programme_records.loader import load_file
from sources.programme_records.raw_schema import FILES_TABLE, RECORDS_TABLE, ensure_raw_schema
from tests.sources.programme_records.helpers import (
    HEADER,
    delivery_of,
    good_record,
    load,
    write_csv,
)


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def published(con) -> int:
    return con.execute(f"SELECT count(*) FROM {RECORDS_TABLE}").fetchone()[0]


def failed_checks(result) -> list[str]:
    assert result.status == "failed_audit", result.summary()
    assert result.rows_loaded == 0
    return result.audit.metadata["failed_checks"]


def test_a_clean_delivery_passes_every_check(con, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [good_record("A-1"), good_record("A-2")])
    result = load(con, path, audit=audit.audit_delivery)
    assert result.audit.passed, result.audit.description
    assert result.status == "loaded" and published(con) == 2
    assert set(result.audit.metadata["checks"]) == {
        "nothing lost",
        "columns and types",
        "programme_ref unique in the delivery",
        "row numbers unique",
        "programme_ref not held by another organisation",
        "quarantined share",
    }


def test_a_row_lost_by_the_contract_filter_fails_nothing_lost(con, tmp_path, monkeypatch):
    def losing(con, reference_year):  # a filter with a bug that drops a row
        validation.validate_incoming(con, reference_year)
        con.execute("DELETE FROM validated WHERE _row_number = 3")

    monkeypatch.setattr(loader, "validate_incoming", losing)
    path = write_csv(tmp_path / "lost.csv", [good_record(f"L-{i}") for i in range(1, 5)])
    result = load(con, path, audit=audit.audit_delivery)
    assert failed_checks(result) == ["nothing lost"]
    assert "4 record(s) read but 3 about to be published + 0 quarantined" in (
        result.audit.description
    )
    assert published(con) == 0
    assert con.execute(f"SELECT status FROM {FILES_TABLE}").fetchone() == ("failed_audit",)


def test_a_duplicated_reference_row_fails_nothing_lost_and_unique_keys(con, tmp_path):
    """A real data bug, not a patch: a collaboration model listed twice in the seed makes the
    filter's join repeat every row that names it."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    models = seeds / "codebook" / "codebook_collaboration_models.csv"
    lines = models.read_text(encoding="utf-8").splitlines(keepends=True)
    models.write_text("".join(lines + [lines[2]]), encoding="utf-8")  # teacher_triad twice
    header = [*HEADER, "collaboration_model"]
    records = [good_record(f"D-{i}", collaboration_model="teacher_triad") for i in (1, 2)]
    path = write_csv(tmp_path / "dup.csv", records, header=header)
    result = load_file(
        con,
        path,
        delivery_of(path),
        seeds_dir=seeds,
        excel_extension=EXCEL_EXTENSION,
        audit=audit.audit_delivery,
        reference_year=2026,
    )
    assert failed_checks(result) == [
        "nothing lost",
        "programme_ref unique in the delivery",
        "row numbers unique",
    ]
    assert "appeared from nowhere" in result.audit.description
    assert "d-1" in result.audit.description
    assert published(con) == 0


def test_a_column_typed_by_the_filter_fails_columns_and_types(con, tmp_path, monkeypatch):
    def typing(con, reference_year):  # a filter that casts a value raw keeps as submitted text
        validation.validate_incoming(con, reference_year)
        con.execute("ALTER TABLE validated ALTER start_year TYPE INTEGER")

    monkeypatch.setattr(loader, "validate_incoming", typing)
    path = write_csv(tmp_path / "typed.csv", [good_record("T-1")])
    result = load(con, path, audit=audit.audit_delivery)
    assert failed_checks(result) == ["columns and types"]
    description = result.audit.description
    assert "delivered start_year INTEGER" in description
    assert "expects start_year VARCHAR" in description
    assert published(con) == 0


def test_a_raw_table_with_another_column_fails_columns_and_types(con, tmp_path):
    """An older warehouse whose raw table has a column the contract no longer has."""
    ensure_raw_schema(con)
    con.execute(f"ALTER TABLE {RECORDS_TABLE} ADD COLUMN region VARCHAR")
    path = write_csv(tmp_path / "old.csv", [good_record("O-1")])
    result = load(con, path, audit=audit.audit_delivery)
    assert failed_checks(result) == ["columns and types"]
    assert "expects region VARCHAR, not delivered" in result.audit.description


def test_a_key_held_by_another_organisation_fails_when_the_filter_misses_it(
    con, tmp_path, monkeypatch
):
    first = write_csv(tmp_path / "a.csv", [good_record("OWN-1")])
    assert load(con, first, organisation="org-a", audit=audit.audit_delivery).status == "loaded"
    second = write_csv(tmp_path / "b.csv", [good_record("own-1"), good_record("B-2")])

    # the filter as it is: the row is quarantined and the audit passes
    kept = load(con, second, organisation="org-b", audit=audit.audit_delivery)
    assert kept.audit.passed and kept.rows_quarantined == 1

    def forgetful(con, organisation):  # the filter's view of raw misses what is held
        validation.load_held(con, organisation)
        con.execute("DELETE FROM held")

    monkeypatch.setattr(loader, "load_held", forgetful)
    result = load(con, second, organisation="org-b", audit=audit.audit_delivery)
    assert failed_checks(result) == ["programme_ref not held by another organisation"]
    assert "own-1 (held by org-a)" in result.audit.description
    owners = con.execute(f"SELECT DISTINCT _organisation FROM {RECORDS_TABLE}").fetchall()
    assert owners == [("org-a",)]


def test_a_delivery_mostly_quarantined_fails_as_the_wrong_format(con, tmp_path, monkeypatch):
    records = [
        good_record("S-1"),
        good_record("S-2", country_code="UK"),
        good_record("S-3", start_year="21"),
    ]
    path = write_csv(tmp_path / "mostly_bad.csv", records)
    result = load(con, path, audit=audit.audit_delivery)
    assert failed_checks(result) == ["quarantined share"]
    assert "2 of 3 records (67%) quarantined" in result.audit.description
    assert "probably the wrong format" in result.audit.description
    assert published(con) == 0

    monkeypatch.setenv("LT_MAX_QUARANTINED_SHARE", "0.7")
    again = load(con, path, audit=audit.audit_delivery)
    assert again.status == "partially_loaded" and published(con) == 1


def test_a_wholly_rejected_delivery_stays_rejected(con, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [good_record("R-1", country_code="UK")])
    result = load(con, path, audit=audit.audit_delivery)
    assert result.status == "rejected" and result.audit.passed


@pytest.mark.parametrize("value", ["half", "1.5", "-0.1"])
def test_a_bad_share_setting_is_refused(monkeypatch, value):
    monkeypatch.setenv("LT_MAX_QUARANTINED_SHARE", value)
    with pytest.raises(ValueError, match="LT_MAX_QUARANTINED_SHARE"):
        audit.max_quarantined_share()
