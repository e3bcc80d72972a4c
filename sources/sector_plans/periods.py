"""The plan period, which Planipolis gives only inside the title.

Forms seen in the real list: `2018-2022`, `2010-15`, `2007/08-2011/12`, `2001/2010`,
`Juin 2020- Novembre 2021`, and two calendars side by side: `1385-1389 [2007-2011]` (Solar
Hijri), `2080-2089 BS [2023-2032]` (Bikram Sambat), `B.E. 2560-2579 (2017-2036)` (Thai
Buddhist), `2008 - 2012 E.C. 2015/16 - 2019/20 G.C.` (Ethiopian). The first Gregorian range
wins; a title with only a non-Gregorian range is converted (approximately) and flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GREGORIAN_MIN, GREGORIAN_MAX = 1950, 2059
MAX_SPAN_YEARS = 30

# Approximate Gregorian offsets (start, end) of the calendars seen in the real titles.
CALENDAR_OFFSETS = {
    "solar_hijri": (621, 622),
    "bikram_sambat": (-57, -56),
    "buddhist": (-543, -543),
    "ethiopian": (7, 8),
}

_TOKEN = re.compile(r"(?<!\d)(\d{4})(?:\s*/\s*(\d{4}|\d{2}))?(?!\d)")
_RANGE_SEPARATOR = re.compile(
    r"^\s*(?:[-\u2013\u2014]|to|au|à|a|al)\s*(?:[A-Za-zÀ-ÿ]+\s+)?$", re.IGNORECASE
)
_SHORT_END = re.compile(r"^\s*[-\u2013\u2014]\s*(\d{2})(?!\d)")
_MARKER_AFTER = re.compile(r"^\s*(E\.?\s?C\.?|EFY|B\.?\s?S\.?|B\.E\.)(?![A-Za-z])")
_MARKER_BEFORE = re.compile(r"(?<![A-Za-z])(B\.E\.|B\.?S\.?|AD)\s*\(?\s*$")


@dataclass(frozen=True)
class PlanPeriod:
    start_year: int
    end_year: int
    label: str
    calendar: str  # calendar of the label: gregorian, or the one converted from
    converted: bool
    other_calendar_label: str | None  # e.g. "solar_hijri 1385-1389" beside a Gregorian range


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    first: int
    last: int  # last Gregorian-style year covered (2007/08 -> 2008)


def _tokens(title: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(title):
        first = int(match.group(1))
        tail = match.group(2)
        if tail is None:
            tokens.append(_Token(match.start(), match.end(1), first, first))
            continue
        second = int(tail) if len(tail) == 4 else (first // 100) * 100 + int(tail)
        if second == first + 1:  # a fiscal or school year such as 2007/08
            tokens.append(_Token(match.start(), match.end(), first, second))
        else:  # "2001/2010" or "1393/2010": two separate years joined by a slash
            tokens.append(_Token(match.start(), match.end(1), first, first))
            if len(tail) == 4:
                tokens.append(_Token(match.start(2), match.end(), second, second))
    return tokens


def _calendar(title: str, start: int, end: int, first: int) -> str:
    before = title[max(0, start - 8) : start]
    after = title[end : end + 10]
    marker = _MARKER_AFTER.match(after) or _MARKER_BEFORE.search(before)
    if marker:
        text = marker.group(1).replace(" ", "").upper()
        if text.startswith("E") and "C" in text or text == "EFY":
            return "ethiopian"
        if text in {"B.E.", "AD"} and first >= 2400:
            return "buddhist"
        if text.startswith("B"):
            return "buddhist" if first >= 2400 else "bikram_sambat"
    if 1300 <= first <= 1450:
        return "solar_hijri"
    if first >= 2400:
        return "buddhist"
    if first > GREGORIAN_MAX:
        return "bikram_sambat"
    return "gregorian"


def _ranges(title: str) -> list[tuple[int, int, int, int, str]]:
    """(text start, text end, first year, last year, calendar) of every range in the title."""
    tokens = _tokens(title)
    found = []
    i = 0
    while i < len(tokens):
        left = tokens[i]
        if i + 1 < len(tokens) and _RANGE_SEPARATOR.match(title[left.end : tokens[i + 1].start]):
            right = tokens[i + 1]
            start, end, first, last = left.start, right.end, left.first, right.last
            i += 2
        elif i + 1 < len(tokens) and title[left.end : tokens[i + 1].start].strip() == "/":
            right = tokens[i + 1]  # "2001/2010"
            start, end, first, last = left.start, right.end, left.first, right.last
            i += 2
        else:
            short = _SHORT_END.match(title[left.end :])
            i += 1
            if not short:
                continue
            last = (left.first // 100) * 100 + int(short.group(1))
            if last < left.first:
                last += 100
            start, end, first = left.start, left.end + short.end(), left.first
        found.append((start, end, first, last, _calendar(title, start, end, first)))
    return found


class PeriodError(ValueError):
    """The title has no usable period; `code` is the quarantine reason code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def parse_plan_period(title: str) -> PlanPeriod:
    """The plan period in a Planipolis title, or PeriodError saying why there is none."""
    ranges = _ranges(title or "")
    if not ranges:
        raise PeriodError("no_period_in_title", "the title has no year range (e.g. 2018-2022)")
    others = [r for r in ranges if r[4] != "gregorian"]
    other_label = f"{others[0][4]} {title[others[0][0] : others[0][1]].strip()}" if others else None
    problems = []
    for start, end, first, last, calendar in ranges:
        label = title[start:end].strip()
        converted = calendar != "gregorian"
        if converted:
            offset_first, offset_last = CALENDAR_OFFSETS[calendar]
            first, last = first + offset_first, last + offset_last
        if last < first:
            problems.append(f"{label!r} ends before it starts")
            continue
        if last - first > MAX_SPAN_YEARS:
            problems.append(f"{label!r} spans more than {MAX_SPAN_YEARS} years")
            continue
        if not GREGORIAN_MIN <= first <= GREGORIAN_MAX:
            problems.append(f"{label!r} is outside {GREGORIAN_MIN}-{GREGORIAN_MAX}")
            continue
        if converted and any(r[4] == "gregorian" for r in ranges):
            continue  # a Gregorian range is given too: prefer it
        return PlanPeriod(
            start_year=first,
            end_year=last,
            label=label,
            calendar=calendar,
            converted=converted,
            other_calendar_label=None if converted else other_label,
        )
    raise PeriodError("implausible_period", "; ".join(problems))
