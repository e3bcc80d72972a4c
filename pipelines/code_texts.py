"""Code any CSV of texts against the learning-teams codebook with the pipeline's exact rules.

    python -m pipelines.code_texts INPUT.csv OUTPUT.csv [--id-column id] [--text-column text]
        [--language-column language] [--seeds-dir DIR] [--explain]

The rules are the codebook seeds of this checkout (or `--seeds-dir`), run by the same engine as
the pipeline (`sources/theme_coding/`). One row per mention: id, text_language, concept_type,
concept_code, language, rule_id, rule_kind, matched_text, char_offset, match_length, context,
mention_id. `--explain` also writes the matches that were dropped, with `dropped_by` (the
exclusion's rule_id, or `longer:<rule_id>`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from sources.theme_coding import code_texts, load_codebook


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def code_csv(
    input_csv: Path,
    output_csv: Path,
    id_column: str = "id",
    text_column: str = "text",
    language_column: str | None = "language",
    seeds_dir: Path | None = None,
    explain: bool = False,
) -> int:
    """Code every row of `input_csv`; write the mentions to `output_csv`; return their count.

    `language_column` is used when the CSV has it (ISO 639-1 codes: en, fr, es, pt); texts
    without a language are coded with the rules of every language.
    """
    input_csv, output_csv = Path(input_csv).resolve(), Path(output_csv).resolve()
    con = duckdb.connect()
    relation = con.sql(
        f"SELECT * FROM read_csv({_sql_string(str(input_csv))}, header = true, all_varchar = true)"
    )
    columns = relation.columns
    missing = [c for c in (id_column, text_column) if c not in columns]
    if missing:
        raise ValueError(
            f"{input_csv}: no column(s) {', '.join(missing)} (columns: {', '.join(columns)})"
        )
    data = relation.df()
    languages = data[language_column] if language_column in columns else None
    mentions = code_texts(
        load_codebook(seeds_dir), data[id_column], data[text_column], languages, explain
    )
    mentions = mentions.drop(columns=["text_hash"]).rename(columns={"text_id": id_column})
    mentions.to_csv(output_csv, index=False)
    return len(mentions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.code_texts",
        description="Code a CSV of (id, text[, language]) against the learning-teams codebook.",
    )
    parser.add_argument("input_csv", type=Path)
    parser.add_argument("output_csv", type=Path)
    parser.add_argument("--id-column", default="id")
    parser.add_argument("--text-column", default="text")
    parser.add_argument(
        "--language-column",
        default="language",
        help="column of ISO 639-1 codes, used when present (default: language)",
    )
    parser.add_argument(
        "--seeds-dir",
        type=Path,
        help="folder of the codebook rule seeds (default: dbt_project/seeds/codebook)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="also write dropped matches, with dropped_by"
    )
    args = parser.parse_args(argv)
    count = code_csv(
        args.input_csv,
        args.output_csv,
        args.id_column,
        args.text_column,
        args.language_column,
        args.seeds_dir,
        args.explain,
    )
    print(f"{count} mentions written to {args.output_csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
