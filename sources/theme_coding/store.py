"""Incremental coding, keyed on text hash + language + codebook version: only new or changed
texts are coded again.

A text's mentions depend only on its NFC text, its language and the codebook, so the codings
table holds, per coded text (`coding_key` = text_hash|text_language), its mentions, or one
marker row with NULL concept when it has none, with the codebook version that coded it. A text
whose key is there under the current version is never coded again (a rebuild, a page quoted by
two plans); a new codebook version makes every key stale, so everything present is recoded.
Matched words and context are not stored: they are `substring(text, char_offset + 1,
match_length)` of the text. The dbt model `int_texts_theme_coded` uses these functions; so does
`code_new_texts` (the same steps on a plain DuckDB table, for the benchmark and tests).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb
import pandas as pd

from .codebook import Codebook
from .engine import code_texts

CODING_COLUMNS = (
    "coding_key",
    "text_hash",
    "text_language",
    "codebook_version",
    "concept_type",
    "concept_code",
    "language",
    "rule_id",
    "rule_kind",
    "char_offset",
    "match_length",
    "mention_id",
)
_INT_COLUMNS = ("char_offset", "match_length")


@dataclass
class StoreRun:
    texts_seen: int
    texts_coded: int
    mentions_added: int
    seconds: float


def keys_sql(texts_sql: str) -> str:
    """One row per distinct (text, language) of `texts_sql` (columns `text`, `language`):
    text_hash (md5 of the NFC text, as output.text_hash), text_language (lower case, '' when
    unknown: every language's rules), coding_key, and the NFC text."""
    return f"""
        SELECT text_hash, text_language, text_hash || '|' || text_language AS coding_key,
            any_value(text) AS text
        FROM (
            SELECT md5(nfc_normalize(CAST(text AS VARCHAR))) AS text_hash,
                coalesce(lower(trim(CAST(language AS VARCHAR))), '') AS text_language,
                nfc_normalize(CAST(text AS VARCHAR)) AS text
            FROM ({texts_sql}) WHERE text IS NOT NULL
        )
        GROUP BY text_hash, text_language"""


def todo_sql(keys_relation: str, codings_table: str | None, version: str) -> str:
    """The keys of `keys_relation` not coded under `version` in `codings_table` (None: all)."""
    if codings_table is None:
        return f"SELECT coding_key, text_language, text FROM {keys_relation}"
    return f"""
        SELECT k.coding_key, k.text_language, k.text FROM {keys_relation} AS k
        ANTI JOIN (
            SELECT DISTINCT coding_key FROM {codings_table} WHERE codebook_version = '{version}'
        ) AS c USING (coding_key)"""


def code_keys(codebook: Codebook, todo: list[tuple[str, str, str]], workers=None) -> pd.DataFrame:
    """Codings of (coding_key, text_language, text) rows: mentions, and a marker row with NULL
    concept for each text without any (so it is not coded again)."""
    mentions = code_texts(
        codebook,
        [key for key, _, _ in todo],
        [text for _, _, text in todo],
        [lang or None for _, lang, _ in todo],
        workers=workers,
    ).rename(columns={"text_id": "coding_key"})
    mentions["text_language"] = mentions.text_language.fillna("")
    with_mentions = set(mentions.coding_key)
    markers = pd.DataFrame(
        [
            {"coding_key": key, "text_hash": key.split("|")[0], "text_language": lang}
            for key, lang, _ in todo
            if key not in with_mentions
        ],
        columns=["coding_key", "text_hash", "text_language"],
    )
    codings = pd.concat([mentions, markers], ignore_index=True) if len(markers) else mentions
    codings["codebook_version"] = codebook.version
    codings = codings.reindex(columns=list(CODING_COLUMNS))
    for column in CODING_COLUMNS:
        if column in _INT_COLUMNS:
            codings[column] = codings[column].astype("Int64")
        else:
            codings[column] = codings[column].astype("string")  # VARCHAR even when empty
    return codings


def code_new_texts(
    con: duckdb.DuckDBPyConnection,
    codebook: Codebook,
    texts_sql: str,
    table: str = "theme_codings",
    workers: int | None = None,
) -> StoreRun:
    """The incremental model's steps on a plain table: code the texts of `texts_sql` not coded
    under `codebook.version`, replacing their keys' rows (delete+insert on coding_key)."""
    started = time.perf_counter()
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
    ).fetchone()[0]
    con.execute(f"CREATE OR REPLACE TEMP TABLE theme_coding_keys AS {keys_sql(texts_sql)}")
    seen = con.execute("SELECT count(*) FROM theme_coding_keys").fetchone()[0]
    todo = con.execute(
        todo_sql("theme_coding_keys", table if exists else None, codebook.version)
    ).fetchall()
    codings = code_keys(codebook, todo, workers)  # noqa: F841 (DuckDB reads it)
    if not exists:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM codings")
    else:
        con.execute("BEGIN")
        con.execute(f"DELETE FROM {table} WHERE coding_key IN (SELECT coding_key FROM codings)")
        con.execute(f"INSERT INTO {table} SELECT * FROM codings")
        con.execute("COMMIT")
    con.execute("DROP TABLE theme_coding_keys")
    mentions = int(codings.concept_code.notna().sum())
    return StoreRun(seen, len(todo), mentions, time.perf_counter() - started)
