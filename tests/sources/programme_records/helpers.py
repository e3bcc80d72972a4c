"""Build programme-records files for tests."""

import errno
import json
import os
from pathlib import Path

import duckdb

from pipelines.settings import EXCEL_EXTENSION, SEEDS_DIR
from sources.programme_records.archive import Delivery, file_id_for, sha256_of
from sources.programme_records.loader import LoadResult, load_file

HEADER = [
    "programme_ref",
    "programme_name",
    "organisations",
    "country_code",
    "level",
    "start_year",
    "end_year",
    "team_kind",
    "actors",
    "schools_count",
    "teachers_count",
    "learners_count",
    "funding_amount",
    "funding_currency",
    "funding_period",
    "source_name",
    "source_url",
]


def good_record(ref: str = "GHA-TEST-001", **overrides) -> dict:
    record = {
        "programme_ref": ref,
        "programme_name": "Cluster-based teacher learning circles",
        "organisations": "Ghana Education Service; T-TEL",
        "country_code": "GHA",
        "level": "regional",
        "start_year": "2021",
        "end_year": "",
        "team_kind": "within_school",
        "actors": "teachers; head teachers",
        "schools_count": "12",
        "teachers_count": "140",
        "learners_count": "4200",
        "funding_amount": "116000",
        "funding_currency": "GBP",
        "funding_period": "total",
        "source_name": "Test record",
        "source_url": "https://example.org/x",
    }
    record.update(overrides)
    return record


def csv_text(records: list[dict], header: list[str] = HEADER) -> str:
    def cell(value: str) -> str:
        value = str(value)
        return f'"{value}"' if any(c in value for c in ',"\n') else value

    lines = [",".join(header)]
    lines += [",".join(cell(r.get(h, "")) for h in header) for r in records]
    return "\n".join(lines) + "\n"


def write_csv(path: Path, records: list[dict], header: list[str] = HEADER, encoding="utf-8"):
    path.write_bytes(csv_text(records, header).encode(encoding))
    return path


def write_json(path: Path, payload) -> Path:
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def write_xlsx(path: Path, records: list[dict]) -> Path:
    csv_path = path.with_suffix(".tmp.csv")
    write_csv(csv_path, records)
    con = duckdb.connect()
    con.execute(f"LOAD '{EXCEL_EXTENSION}'")
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true, header=true)) "
        f"TO '{path}' (FORMAT xlsx, HEADER true)"
    )
    con.close()
    csv_path.unlink()
    return path


def delivery_of(
    path: Path, organisation: str = "test-org", delivered_at: str = "2026-01-01T00:00:00+00:00"
) -> Delivery:
    sha256 = sha256_of(path)
    entry_path = f"{organisation}/{path.name}"
    return Delivery(
        file_id=file_id_for(entry_path, sha256),
        organisation=organisation,
        entry_path=entry_path,
        file_name=path.name,
        sha256=sha256,
        size_bytes=path.stat().st_size,
        delivered_at=delivered_at,
    )


def load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reference_year: int = 2026,
    *,
    organisation: str = "test-org",
    delivered_at: str = "2026-01-01T00:00:00+00:00",
    audit=None,
) -> LoadResult:
    return load_file(
        con,
        path,
        delivery_of(path, organisation, delivered_at),
        seeds_dir=SEEDS_DIR,
        excel_extension=EXCEL_EXTENSION,
        audit=audit,
        reference_year=reference_year,
    )


def hard_link_to_a_machine_file(link: Path, outside: Path) -> Path:
    """A hard link at `link` to /etc/passwd; where the temp folder is on another filesystem
    (tmpfs, tests/conftest.py), to a copy of it in `outside` (a folder outside landing)."""
    try:
        os.link("/etc/passwd", link)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        outside.mkdir(parents=True, exist_ok=True)
        target = outside / "passwd"
        target.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
        os.link(target, link)
    return link
