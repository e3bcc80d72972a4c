"""Text normalisation before matching (docs/theme_coding.md, "Case, accents, punctuation").

Every step maps one character to one character, so an offset in the normalised text is the
offset in the NFC form of the original: NFC, lower case (a character whose lower case is longer
than one character keeps its case), typographic apostrophes and quotes to ``'``, dashes to ``-``,
accents stripped (``é``→``e``, ``ç``→``c``), every whitespace character to a space.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

QUOTES = "\u2019\u2018\u02bc\u00b4`"
DASHES = "\u2010\u2011\u2012\u2013\u2014"


@functools.cache
def _translation() -> dict[int, str]:
    """One-character replacements: quotes, dashes, whitespace, letters without their accents."""
    table: dict[int, str] = {ord(c): "'" for c in QUOTES}
    table.update({ord(c): "-" for c in DASHES})
    for code in range(0x80, min(sys.maxunicode, 0x2FFFF) + 1):
        char = chr(code)
        if char.isspace():
            table[code] = " "
            continue
        decomposition = unicodedata.decomposition(char)
        if not decomposition or decomposition.startswith("<"):
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base != char:
            table[code] = base
    for code in range(0x80):
        if chr(code).isspace() and chr(code) != " ":
            table[code] = " "
    return table


def nfc(text: str) -> str:
    """The NFC form of `text` (offsets of mentions are offsets in it)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def normalise(nfc_text: str) -> str:
    """The text the lower-case rules run on (same length as `nfc_text`)."""
    return _lower_same_length(nfc_text).translate(_translation())


def normalise_keep_case(nfc_text: str) -> str:
    """The text the case-sensitive (acronym) rules run on: as `normalise`, but case is kept."""
    return nfc_text.translate(_translation())


def strip_pattern(pattern: str) -> str:
    """A rule's pattern with accents stripped and quotes/dashes unified like the text's (case
    kept: an upper-case letter makes the rule case-sensitive)."""
    return nfc(pattern).translate(_translation())
