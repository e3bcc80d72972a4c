"""Code any CSV of texts against the learning-teams codebook with the pipeline's exact rules.

    python -m pipelines.code_texts INPUT.csv OUTPUT.csv [--id-column id] [--text-column text]
        [--language-column language] [--warehouse PATH]

The rules live once, in dbt: the codebook seeds and the macro `code_texts` (which compiles the
patterns and normalises the text). This command asks dbt to render that macro for the CSV
(`dbt compile --inline`), then runs the rendered SQL in DuckDB and writes one row per mention:
id, text_language, concept_type, concept_code, language, pattern_id, matched_text,
char_offset, match_length, context. By default the codebook seeds of this checkout are loaded
into a scratch warehouse; `--warehouse` uses an existing one (read-only) instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from .settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, WAREHOUSE_FILE_NAME

CODEBOOK_SEEDS = ("codebook_patterns", "codebook_pattern_exclusions")


def _dbt(args: list[str], warehouse_path: Path) -> str:
    env = {**os.environ, "LT_WAREHOUSE_PATH": str(warehouse_path), "DO_NOT_TRACK": "1"}
    command = [DBT_EXECUTABLE, *args, "--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"dbt {args[0]} failed:\n{done.stdout[-3000:]}")
    return done.stdout


def load_codebook(warehouse_path: Path) -> None:
    """Load the codebook pattern seeds of this checkout into `warehouse_path`."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    _dbt(["seed", "--quiet", "--select", *CODEBOOK_SEEDS], warehouse_path)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def render_code_texts_sql(
    relation_sql: str,
    id_columns: list[str],
    text_column: str,
    language_column: str | None,
    scratch_dir: Path,
) -> str:
    """The SQL of the dbt macro code_texts for any FROM-able `relation_sql`, rendered by dbt.

    Rendering reads no data; dbt still opens a warehouse, so it gets an empty one in
    `scratch_dir` (never the warehouse the SQL will run on, which may be in use)."""
    arguments = ", ".join(
        [
            json.dumps(relation_sql),
            json.dumps(id_columns),
            json.dumps(text_column),
            json.dumps(language_column) if language_column else "none",
        ]
    )
    inline = "{{ code_texts(" + arguments + ") }}"
    compile_warehouse = Path(scratch_dir) / "compile" / WAREHOUSE_FILE_NAME
    compile_warehouse.parent.mkdir(parents=True, exist_ok=True)
    output = _dbt(["compile", "--quiet", "--output", "json", "--inline", inline], compile_warehouse)
    return json.loads(output)["compiled"]


def _csv_columns(con: duckdb.DuckDBPyConnection, relation_sql: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation_sql}").fetchall()]


def code_csv(
    input_csv: Path,
    output_csv: Path,
    id_column: str = "id",
    text_column: str = "text",
    language_column: str | None = "language",
    warehouse_path: Path | None = None,
) -> int:
    """Code every row of `input_csv`; write the mentions to `output_csv`; return their count.

    `language_column` is used when the CSV has it (ISO 639-1 codes: en, fr, es, pt); texts
    without a language are coded with the patterns of every language.
    """
    input_csv, output_csv = Path(input_csv).resolve(), Path(output_csv).resolve()
    relation_sql = f"read_csv({_sql_string(str(input_csv))}, header = true, all_varchar = true)"
    with tempfile.TemporaryDirectory(prefix="code_texts_") as scratch:
        columns = _csv_columns(duckdb.connect(), relation_sql)
        missing = [c for c in (id_column, text_column) if c not in columns]
        if missing:
            raise ValueError(
                f"{input_csv}: no column(s) {', '.join(missing)} (columns: {', '.join(columns)})"
            )
        language = language_column if language_column in columns else None
        sql = render_code_texts_sql(relation_sql, [id_column], text_column, language, scratch)
        if warehouse_path is None:
            warehouse_path = Path(scratch) / WAREHOUSE_FILE_NAME
            load_codebook(warehouse_path)
        con = duckdb.connect(str(warehouse_path), read_only=True)
        try:
            ordered = f"SELECT * FROM ({sql}) ORDER BY 1, char_offset, concept_code, language"
            con.execute(f"COPY ({ordered}) TO {_sql_string(str(output_csv))} (HEADER)")
            return con.execute(
                f"SELECT count(*) FROM read_csv({_sql_string(str(output_csv))}, header = true)"
            ).fetchone()[0]
        finally:
            con.close()


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
        "--warehouse",
        type=Path,
        help="existing learning_teams.duckdb with the codebook seeds (default: a scratch copy)",
    )
    args = parser.parse_args(argv)
    count = code_csv(
        args.input_csv,
        args.output_csv,
        args.id_column,
        args.text_column,
        args.language_column,
        args.warehouse,
    )
    print(f"{count} mentions written to {args.output_csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
