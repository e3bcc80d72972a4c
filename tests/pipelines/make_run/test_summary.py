"""The `make run` summary of a hostile submitter's landing folder: every entry accounted for, in
under 25 lines, each root cause named once with its count and files."""

import os

import pytest

from pipelines.cli import run_summary
from pipelines.definitions import build_definitions
from pipelines.make_run.driver import PipelineOutcome, _file_outcome, ingest, tick_landing_sensor
from pipelines.make_run.summary import grouped_lines
from pipelines.warehouse.build_inputs import BuildPlan
from tests.pipelines.in_memory import in_memory_instance
from tests.sources.programme_records.helpers import HEADER, csv_text, good_record
from tests.sources.programme_records.test_hostile_corpus import CORPUS

pytestmark = pytest.mark.heavy

GOOD = csv_text([good_record("HS-1"), good_record("HS-2")])


def _hostile_landing(landing, outside):
    """32 entries: the loader's hostile corpus and what a landing folder meets besides."""
    org = landing / "hostile"
    org.mkdir(parents=True)
    files = {
        **CORPUS,
        "empty.json": b"",
        "header_only.csv": (",".join(HEADER) + "\n").encode(),
        "latin1.csv": csv_text([good_record("HS-3", programme_name="École normale")]).encode(
            "latin-1"
        ),
        "utf16.csv": GOOD.encode("utf-16"),
        "semicolon.csv": GOOD.replace(",", ";").encode(),
        "truncated.json": b'[{"programme_ref": "HS-4", "programme_na',
        "duplicate_rows.csv": csv_text([good_record("HS-5"), good_record("HS-5")]).encode(),
        "two_hundred_columns.csv": csv_text(
            [good_record("HS-6")], HEADER + [f"extra_{i}" for i in range(200 - len(HEADER))]
        ).encode(),
        "object.json": b'{"programme_ref": "HS-7"}',
        "mostly_bad.csv": csv_text(
            [
                good_record("HS-8"),
                good_record("HS-9", country_code="UK"),
                good_record("HS-10", level="x"),
            ]
        ).encode(),
        "same_bytes_again.csv": CORPUS["bom_crlf.csv"],
        "notes.txt": b"hello",
        ".hidden.csv": GOOD.encode(),
        "being_written.csv.part": GOOD.encode()[:50],
    }
    for name, data in files.items():
        (org / name).write_bytes(data)
    secret = outside / "secret.csv"
    secret.write_bytes(GOOD.encode())
    (org / "link_to_etc_passwd.csv").symlink_to("/etc/passwd")
    (org / "link_to_secret.csv").symlink_to(secret)
    os.link(secret, org / "hard_link_to_secret.csv")
    os.mkfifo(org / "fifo.csv")
    (org / "sub-folder").mkdir()
    (landing / "outside_any_organisation.csv").write_bytes(GOOD.encode())
    return len(files) + 6


@pytest.fixture
def hostile_run(settings, tmp_path):
    """The landing and ingest steps of `make run` on the hostile folder (the same sensor tick
    and ingest runs; the literature, plans and dbt steps have nothing to say about it)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    entries = _hostile_landing(settings.landing_dir, outside)
    defs = build_definitions(settings)
    outcome = PipelineOutcome()
    with in_memory_instance() as instance:
        tick = tick_landing_sensor(defs, instance)
        for request in tick.run_requests or []:
            if request.job_name != "ingest_programme_records":
                continue
            run = ingest(defs, instance, request, "CRITICAL")
            outcome.ingested[request.partition_key] = _file_outcome(request, run, instance)
    outcome.build_plan = BuildPlan("none", "not built in this test")
    outcome.log_file = settings.log_dir / "run.log"
    return entries, outcome, run_summary(settings, outcome)


def test_the_hostile_summary_is_short_and_names_every_root_cause(hostile_run):
    entries, outcome, summary = hostile_run
    lines = summary.strip().splitlines()
    print(summary)
    assert entries >= 32
    assert len(lines) < 25, summary
    for cause in [
        "the file is empty",
        "the file has a header but no records",
        "UTF-16 LE (byte-order mark)",
        "semicolon-separated; the contract needs commas",
        "not UTF-8",
        "probably the wrong format",
        "unknown column(s)",
        "a JSON array of records",
        "link",
        "sub-folder",
        "partial download",
        "hidden",
        "unsupported file type '.txt'",
        "outside",
        "duplicate",
    ]:
        assert cause.lower() in summary.lower(), cause


def test_grouped_lines_count_each_reason_once():
    lines = grouped_lines(
        "ignored",
        [("a.csv", "a link"), ("b.csv", "a link"), ("c.txt", "unsupported"), ("d", "a link")],
        names_shown=2,
    )
    assert lines == [
        "ignored 3 × a link: a.csv, b.csv and 1 more",
        "ignored 1 × unsupported: c.txt",
    ]
