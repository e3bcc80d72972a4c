"""The reference implementation: a plain Python `re` loop, simple enough to be obviously right.

Every rule runs on every text of its language with `finditer`; word boundaries are lookarounds
on Python's Unicode `\\w`; drops are nested loops. The fast engine (engine.py) must give the
same rows; tests and the benchmark compare them.
"""

from __future__ import annotations

import re

import pandas as pd

from .codebook import Codebook, Rule, render
from .normalise import nfc, normalise, normalise_keep_case
from .output import context, frame, language_of, mention_id, text_hash


def _compiled(rule: Rule) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + render(rule.body, "python") + r")(?!\w)")


def raw_matches(codebook: Codebook, text: str, language: str | None) -> list[tuple[int, int, int]]:
    """(rule index, start, end) of every whole-word match of every applicable rule."""
    lower, cased = normalise(text), normalise_keep_case(text)
    found = []
    for i, rule in enumerate(codebook.rules):
        if language is not None and rule.language != language:
            continue
        for m in _compiled(rule).finditer(cased if rule.case_sensitive else lower):
            found.append((i, m.start(), m.end()))
    return found


def _exclusion(codebook: Codebook, matches, match) -> str | None:
    """The rule_id of an exclusion match (same concept and language) overlapping `match`."""
    rules = codebook.rules
    i, start, end = match
    rule = rules[i]
    for j, s, e in sorted(matches, key=lambda m: (m[1], m[2], m[0])):
        other = rules[j]
        if (
            other.is_exclusion
            and (other.concept_type, other.concept_code, other.language)
            == (rule.concept_type, rule.concept_code, rule.language)
            and s < end
            and start < e
        ):
            return other.rule_id
    return None


def why_dropped(codebook: Codebook, matches, match) -> str | None:
    """The rule_id of the exclusion that drops `match`, or `longer:<rule_id>` for a longer
    phrase match of another concept of the same type that contains it (and is not excluded
    itself); None when the match is kept. Proximity matches never contain others."""
    excluded = _exclusion(codebook, matches, match)
    if excluded:
        return excluded
    rules = codebook.rules
    i, start, end = match
    rule = rules[i]
    if rule.kind != "pattern":
        return None
    for j, s, e in sorted(matches, key=lambda m: (-(m[2] - m[1]), m[1], m[0])):
        other = rules[j]
        if (
            other.kind == "pattern"
            and other.concept_type == rule.concept_type
            and other.concept_code != rule.concept_code
            and s <= start
            and e >= end
            and e - s > end - start
            and _exclusion(codebook, matches, (j, s, e)) is None
        ):
            return "longer:" + other.rule_id
    return None


def code_texts(
    codebook: Codebook, ids, texts, languages=None, with_dropped: bool = False
) -> pd.DataFrame:
    """Mentions of every text (columns of output.COLUMNS), in input order then position."""
    languages = [None] * len(texts) if languages is None else languages
    rows = []
    for text_id, raw, lang in zip(ids, texts, languages, strict=True):
        if raw is None or (isinstance(raw, float) and raw != raw):
            continue
        text, language = nfc(str(raw)), language_of(lang)
        digest = text_hash(text)
        matches = raw_matches(codebook, text, language)
        for match in sorted(matches, key=lambda m: (m[1], m[2], m[0])):
            rule = codebook.rules[match[0]]
            if rule.is_exclusion:
                continue
            dropped = why_dropped(codebook, matches, match)
            if dropped and not with_dropped:
                continue
            _, start, end = match
            row = (
                text_id,
                language,
                rule.concept_type,
                rule.concept_code,
                rule.language,
                rule.rule_id,
                rule.kind,
                text[start:end],
                start,
                end - start,
                context(text, start, end),
                digest,
                mention_id(digest, rule.concept_code, start, end - start),
            )
            rows.append(row + ((dropped,) if with_dropped else ()))
    return frame(rows, with_dropped)
