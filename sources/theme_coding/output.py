"""From kept matches to mention rows: matched words, context, stable ids (both engines)."""

from __future__ import annotations

import hashlib

import pandas as pd

COLUMNS = [
    "text_id",
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
    "text_hash",
    "mention_id",
]
DROPPED_COLUMNS = ["dropped_by"]
CONTEXT_CHARS = 80


def text_hash(nfc_text: str) -> str:
    """md5 (hex) of the NFC text: the key of incremental coding and of mention ids."""
    return hashlib.md5(nfc_text.encode("utf-8")).hexdigest()


def mention_id(text_digest: str, concept_code: str, char_offset: int, match_length: int) -> str:
    """Stable id of a mention: md5 of text_hash|concept_code|char_offset|match_length (hex)."""
    key = f"{text_digest}|{concept_code}|{char_offset}|{match_length}"
    return hashlib.md5(key.encode("utf-8")).hexdigest()


def context(nfc_text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """Up to `chars` characters either side of the match, whitespace collapsed."""
    return " ".join(nfc_text[max(start - chars, 0) : end + chars].split())


def language_of(value) -> str | None:
    """A text's language as the engine uses it: lower case, or None (every language)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    value = str(value).strip().lower()
    return value or None


def frame(rows: list[tuple], with_dropped: bool = False) -> pd.DataFrame:
    columns = COLUMNS + (DROPPED_COLUMNS if with_dropped else [])
    df = pd.DataFrame.from_records(rows, columns=columns)
    return df.astype({"char_offset": "int64", "match_length": "int64"})
