"""The analyst command codes a CSV with exactly the pipeline's engine and rules: coding the
labelled sentences through `pipelines.code_texts` gives the rows of `code_texts` itself."""

import csv
import subprocess
import sys

import pytest

from pipelines.code_texts import code_csv
from pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT
from sources.theme_coding import code_texts, load_codebook

LABELLED = DBT_PROJECT_DIR / "seeds" / "theme_coding" / "theme_coding_labelled_sentences.csv"


def test_command_codes_a_csv_exactly_like_the_engine(tmp_path):
    input_csv = tmp_path / "sentences.csv"
    with LABELLED.open(encoding="utf-8") as src, input_csv.open("w", encoding="utf-8") as dst:
        writer = csv.writer(dst)
        writer.writerow(["sentence_id", "body", "language"])
        sentences = list(csv.DictReader(src))
        for row in sentences:
            writer.writerow([row["sentence_id"], row["text"], row["language"]])
    output_csv = tmp_path / "mentions.csv"

    done = subprocess.run(
        [sys.executable, "-m", "pipelines.code_texts", str(input_csv), str(output_csv)]
        + ["--id-column", "sentence_id", "--text-column", "body"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr

    with output_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert done.stdout.startswith(f"{len(rows)} mentions written")
    assert len(rows) > 100
    assert list(rows[0]) == [
        "sentence_id",
        "text_language",
        "concept_type",
        "concept_code",
        "language",
        "rule_id",
        "rule_kind",
        "matched_text",
        "char_offset",
        "match_length",
        "context",
        "mention_id",
    ]
    expected = code_texts(
        load_codebook(),
        [s["sentence_id"] for s in sentences],
        [s["text"] for s in sentences],
        [s["language"] for s in sentences],
    )
    got = [(r["sentence_id"], r["rule_id"], int(r["char_offset"]), r["mention_id"]) for r in rows]
    assert got == list(
        zip(
            expected.text_id,
            expected.rule_id,
            expected.char_offset,
            expected.mention_id,
            strict=True,
        )
    )


def test_command_names_the_file_and_the_missing_column(tmp_path):
    input_csv = tmp_path / "texts.csv"
    input_csv.write_text("ref,text\n1,teachers\n")
    with pytest.raises(ValueError, match=r"texts\.csv: no column\(s\) id"):
        code_csv(input_csv, tmp_path / "out.csv")
