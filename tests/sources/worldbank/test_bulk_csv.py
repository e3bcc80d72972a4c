"""The genuine WDI bulk CSV (../shared/data/worldbank: BOM, CRLF, 4 preamble lines, one column per
year, trailing empty column) read by DuckDB, unpivoted and validated; the same bytes load once;
a file of another shape is refused naming it; the GE audit stops implausible values."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from expectations import runner
from expectations.worldbank_suite import SUITE_NAME
from sources.worldbank.bulk_csv import BulkCsvError, load_bulk_csv
from sources.worldbank.config import load_indicators
from sources.worldbank.values import Audit

REPO_ROOT = Path(__file__).resolve().parents[3]
REAL = "API_SE.PRM.ENRL.TC.ZS_DS2_en_csv_v2_131293.csv"
DEMO_METADATA = REPO_ROOT / "sample_data" / "worldbank" / "api_demo.yaml"


def cells(path: Path) -> dict[tuple[str, int], str]:
    """The non-empty year cells of the file, read independently with Python's csv module."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[4:]
    header = rows[0]
    return {
        (row[1], int(header[i])): row[i]
        for row in rows[1:]
        for i in range(4, len(header))
        if header[i].isdigit() and row[i] != ""
    }


def test_the_real_file_loads_every_cell_or_quarantines_it_with_a_reason(con, shared_data_dir):
    path = shared_data_dir / "worldbank" / REAL
    load = load_bulk_csv(con, path, load_indicators(), max_year=2030)
    expected = cells(path)
    assert len(expected) == 8215
    v = load.validation
    assert load.last_updated == "2025-10-07" and load.indicator_codes == ["SE.PRM.ENRL.TC.ZS"]
    assert v.rows_valid + v.rows_quarantined == 8215
    assert set(v.by_reason) == {"unknown_economy"}  # aggregates the demo metadata lacks
    loaded = con.execute(
        "SELECT economy_code, year, value FROM raw.worldbank_bulk_values"
    ).fetchall()
    assert len(loaded) == v.rows_valid
    assert all(float(expected[(code, year)]) == value for code, year, value in loaded)
    ghana = {year for code, year, _ in loaded if code == "GHA"}
    assert ghana == {year for code, year in expected if code == "GHA"}
    sql = "SELECT economy_code FROM raw.worldbank_bulk_quarantine"
    unknown = {r[0] for r in con.execute(sql).fetchall()}
    assert {"ARB", "EAP", "IDA"} <= unknown and "GHA" not in unknown
    assert load_bulk_csv(con, path, load_indicators()).status == "already_loaded"


def test_a_bad_cell_is_quarantined_with_file_line_and_year(con, shared_data_dir, tmp_path):
    path = tmp_path / REAL
    text = (shared_data_dir / "worldbank" / REAL).read_bytes().decode("utf-8")
    ghana = next(line for line in text.split("\r\n") if line.startswith('"Ghana"'))
    cells_ = ghana.split(",")
    cells_[-3] = '"12..5"'  # 2023
    path.write_bytes(text.replace(ghana, ",".join(cells_)).encode("utf-8"))
    load_bulk_csv(con, path, load_indicators(), max_year=2030)
    (reason,) = con.execute(
        "SELECT reason FROM raw.worldbank_bulk_quarantine WHERE economy_code = 'GHA'"
    ).fetchone()
    assert str(path) in reason and "year 2023" in reason
    assert "value '12..5' is not a number" in reason


def test_a_file_of_another_shape_is_refused_naming_it(con, tmp_path):
    path = tmp_path / "not_wdi.csv"
    path.write_text("a,b\r\n1,2\r\n3,4\r\n5,6\r\n7,8\r\n", encoding="utf-8")
    with pytest.raises(BulkCsvError, match=r"not_wdi\.csv: line 5 should be the header"):
        load_bulk_csv(con, path, load_indicators())


def test_the_audit_stops_a_percentage_over_100_and_publishes_nothing(con, tmp_path):
    demo = REPO_ROOT / "sample_data" / "worldbank" / "bulk"
    source = next(demo.glob("*.csv"))
    text = source.read_bytes().decode("utf-8").replace("SE.PRM.ENRL.TC.ZS", "SE.PRM.TCAQ.ZS")
    path = tmp_path / source.name
    path.write_bytes(text.encode("utf-8"))

    def ge_audit(df) -> Audit:
        df.loc[df.index[0], "percent_value"] = 130.0  # one implausible share of teachers
        result = runner.validate_dataframe(SUITE_NAME, df)
        return Audit(result.success, result.describe(), result.to_metadata())

    load = load_bulk_csv(con, path, load_indicators(), audit=ge_audit, max_year=2030)
    assert load.status == "failed_audit" and "percent_value" in load.audit.description
    assert con.execute("SELECT count(*) FROM raw.worldbank_bulk_values").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM raw.worldbank_bulk_files").fetchone()[0] == 0
    assert json.dumps(load.audit.metadata, default=str)
