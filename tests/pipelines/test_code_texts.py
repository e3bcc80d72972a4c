"""The analyst command codes a CSV with exactly the rules of the dbt models: coding the labelled
sentences through `pipelines.code_texts` gives the rows of int_labelled_sentences_coded."""

import csv
import os
import subprocess

import duckdb
import pytest

from pipelines.code_texts import code_csv
from pipelines.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

LABELLED = DBT_PROJECT_DIR / "seeds" / "theme_coding" / "theme_coding_labelled_sentences.csv"


def dbt_coded_sentences(tmp_path):
    path = tmp_path / "warehouse" / "learning_teams.duckdb"
    path.parent.mkdir()
    env = {**os.environ, "LT_WAREHOUSE_PATH": str(path), "DO_NOT_TRACK": "1"}
    dbt = [DBT_EXECUTABLE, "--quiet"]
    where = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    seeds = ["codebook_patterns", "codebook_pattern_exclusions", "theme_coding_labelled_sentences"]
    subprocess.run(dbt + ["seed", "--select", *seeds] + where, env=env, check=True)
    model = ["int_labelled_sentences_coded"]
    subprocess.run(dbt + ["run", "--select", *model] + where, env=env, check=True)
    con = duckdb.connect(str(path), read_only=True)
    try:
        return path, con.execute(
            "SELECT sentence_id, concept_code, language, pattern_id, matched_text, "
            "char_offset, context FROM intermediate.int_labelled_sentences_coded"
        ).fetchall()
    finally:
        con.close()


def test_command_codes_a_csv_exactly_like_the_dbt_model(tmp_path):
    input_csv = tmp_path / "sentences.csv"
    with LABELLED.open(encoding="utf-8") as src, input_csv.open("w", encoding="utf-8") as dst:
        writer = csv.writer(dst)
        writer.writerow(["sentence_id", "body", "language"])
        for row in csv.DictReader(src):
            writer.writerow([row["sentence_id"], row["text"], row["language"]])
    output_csv = tmp_path / "mentions.csv"

    count = code_csv(input_csv, output_csv, id_column="sentence_id", text_column="body")

    with output_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert count == len(rows) > 100
    assert list(rows[0]) == [
        "sentence_id",
        "text_language",
        "concept_type",
        "concept_code",
        "language",
        "pattern_id",
        "matched_text",
        "char_offset",
        "match_length",
        "context",
    ]
    _, expected = dbt_coded_sentences(tmp_path)
    got = {
        (r["sentence_id"], r["concept_code"], r["language"], r["pattern_id"], r["matched_text"])
        + (int(r["char_offset"]), r["context"])
        for r in rows
    }
    assert got == set(expected)


def test_command_names_the_file_and_the_missing_column(tmp_path):
    input_csv = tmp_path / "texts.csv"
    input_csv.write_text("ref,text\n1,teachers\n")
    with pytest.raises(ValueError, match=r"texts\.csv: no column\(s\) id"):
        code_csv(input_csv, tmp_path / "out.csv")
