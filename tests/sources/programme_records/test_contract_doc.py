"""The human-readable data contract lists every column of the machine-readable one."""

from pathlib import Path

from sources.programme_records.contract import COLUMNS

DOC = Path(__file__).resolve().parents[3] / "docs" / "programme_records_contract.md"


def test_every_contract_column_is_documented_with_its_required_flag():
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    assert rows == {c.name: "yes" if c.required else "no" for c in COLUMNS}
