"""Country-profile exports: text a spreadsheet would run as a formula is neutralised in CSV and
XLSX; numbers stay numbers."""

import csv
import re
import zipfile
from xml.etree import ElementTree

import pandas as pd
import pytest

from pipelines.reports.exports import neutralise, profile_as_fields, write_csv, write_xlsx

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_starting_like_a_formula_gets_a_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Ghana", "", "a=b", "1-2", None, -3, -2.5])
def test_other_values_are_kept(value):
    assert neutralise(value) == value


def test_lists_are_joined_then_neutralised():
    assert neutralise(["a", "b"]) == "a; b"
    assert neutralise(["=x", "b"]) == "'=x; b"


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "country_code": ["GHA"] * len(DANGEROUS),
            "text": DANGEROUS,
            "number": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0],
            "keys": [["=a", "b"]] * len(DANGEROUS),
        }
    )


def test_csv_cells_are_neutralised(frame, tmp_path):
    path = write_csv(frame, tmp_path / "p.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text"] for r in rows] == ["'" + v for v in DANGEROUS]
    assert [r["number"] for r in rows] == ["-1.5", "2.0", "-3.0", "4.0", "5.0", "6.0"]
    assert {r["keys"] for r in rows} == {"'=a; b"}
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_xlsx_has_no_formula_and_shows_the_quoted_text(frame, tmp_path):
    path = write_xlsx({"profile": frame, "other": frame.head(1)}, tmp_path / "p.xlsx")
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
        assert len([n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]) == 2
    assert "<f>" not in sheet  # no cell is a formula
    texts = [
        re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), "".join(t.itertext()))
        for t in ElementTree.fromstring(strings).iter(f"{{{SPREADSHEET_NS}}}t")
    ]
    for value in DANGEROUS:
        assert "'" + value in texts, (value, texts)
    assert "<v>-1.5</v>" in sheet  # numbers are numeric cells


def test_one_country_profile_as_field_value_rows():
    row = pd.Series({"country_code": "GHA", "plan_themes": ["coaching", "=x"], "plans_held": 2})
    fields = profile_as_fields(row)
    assert fields.field.tolist() == ["country_code", "plan_themes", "plans_held"]
    assert neutralise(fields.value[1]) == "coaching; =x"
