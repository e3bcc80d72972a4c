"""The plan period, which Planipolis gives only inside the title.

Forms seen in the real list: `2018-2022`, `2010-15`, `2007/08-2011/12`, `2001/2010`,
`Juin 2020- Novembre 2021`, and two calendars side by side: `1385-1389 [2007-2011]` (Solar
Hijri), `2080-2089 BS [2023-2032]` (Bikram Sambat), `B.E. 2560-2579 (2017-2036)` (Thai
Buddhist), `2008 - 2012 E.C. 2015/16 - 2019/20 G.C.` (Ethiopian). The first Gregorian range
wins; a title with only a non-Gregorian range is converted (approximately) and flagged.

Titles are cleaned first: Unicode dashes (U+2010-U+2015, U+2212) become `-`, soft hyphens and
zero-width spaces go, `--` becomes `-`. `2020/1399` is one year with its Solar Hijri equivalent,
not a range. Ranges may be written with words: `from 2008 until 2015`, `de 2008 à 2015`,
`2008 a 2015`, `2018 to 2022`, `2010 hasta 2014`.

`plan_period` adds the fallback: a title without a usable range takes its period from the
listed year (`period_source` `listed_year`), or from the listed year to a later single year the
title names, such as `Strategy 2030` or `until 2030` (`listed_year_to_title_year`).
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

PERIOD_SOURCES = ("title", "listed_year_to_title_year", "listed_year")
"""Where the period comes from: a range (or a year with its other-calendar equivalent) in the
title; the listed year to a later year named by the title; the listed year alone."""

_TOKEN = re.compile(r"(?<!\d)(\d{4})(?:\s*/\s*(\d{4}|\d{2}))?(?!\d)")
_RANGE_SEPARATOR = re.compile(
    r"^\s*(?:-|to|au|à|a|al|until|till|through|hasta|jusqu'?(?:en|à)|bis)\s*"
    r"(?:[A-Za-zÀ-ÿ]+\s+)?$",
    re.IGNORECASE,
)
_SHORT_END = re.compile(r"^\s*-\s*(\d{2})(?!\d)")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_START_MARKER = re.compile(
    r"(?:from|since|desde|depuis|à partir de|a partir de|starting)\s*(?:the\s+year\s*)?$",
    re.IGNORECASE,
)
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
    other: str | None = None  # "solar_hijri 1399" when the token is "2020/1399"


def clean_title(title: str) -> str:
    """The title with Unicode dashes as `-`, without soft hyphens or zero-width characters."""
    title = _INVISIBLE.sub("", title or "")
    return re.sub(r"-{2,}", "-", _DASHES.sub("-", title))


def _hijri_pair(first: int, second: int) -> tuple[int, int] | None:
    """(Gregorian, Solar Hijri) when the two years are one year in the two calendars."""
    for gregorian, hijri in ((first, second), (second, first)):
        if 1300 <= hijri <= 1450 and gregorian - hijri in (621, 622):
            return gregorian, hijri
    return None


def _tokens(title: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(title):
        first = int(match.group(1))
        tail = match.group(2)
        if tail is None:
            tokens.append(_Token(match.start(), match.end(1), first, first))
            continue
        second = int(tail) if len(tail) == 4 else (first // 100) * 100 + int(tail)
        pair = _hijri_pair(first, second) if len(tail) == 4 else None
        if pair:  # "2020/1399": one year, written in both calendars
            other = f"solar_hijri {pair[1]}"
            tokens.append(_Token(match.start(), match.end(), pair[0], pair[0], other))
        elif second == first + 1:  # a fiscal or school year such as 2007/08
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


def _paired_year(title: str) -> PlanPeriod | None:
    """A single year written in two calendars (`2020/1399`) as a one-year period."""
    for token in _tokens(title):
        if token.other and GREGORIAN_MIN <= token.first <= GREGORIAN_MAX:
            label = title[token.start : token.end].strip()
            return PlanPeriod(token.first, token.first, label, "gregorian", False, token.other)
    return None


def parse_plan_period(title: str) -> PlanPeriod:
    """The plan period in a Planipolis title, or PeriodError saying why there is none."""
    title = clean_title(title)
    ranges = _ranges(title)
    if not ranges:
        paired = _paired_year(title)
        if paired:
            return paired
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


@dataclass(frozen=True)
class SourcedPeriod:
    period: PlanPeriod
    source: str  # one of PERIOD_SOURCES
    note: str | None  # why the title's period was not used, when it was not


def _later_title_year(title: str, listed_year: int) -> int | None:
    """The first Gregorian year the title names after the listed year, within the span limit
    (`Strategy 2030`, `until 2030`, `à l'horizon 2030`); none when the title names a start
    (`for the period from 2021`), since that period has no end."""
    tokens = _tokens(title)
    if any(_START_MARKER.search(title[: token.start]) for token in tokens):
        return None
    for token in tokens:
        year = token.first
        if token.first != token.last or token.other:
            continue
        if listed_year < year <= listed_year + MAX_SPAN_YEARS and year <= GREGORIAN_MAX:
            return year
    return None


def plan_period(title: str, listed_year: int | None) -> SourcedPeriod:
    """The period from the title, else from the listed year (PeriodError when neither gives one)."""
    try:
        return SourcedPeriod(parse_plan_period(title), "title", None)
    except PeriodError as exc:
        if listed_year is None:
            raise
        if not GREGORIAN_MIN <= listed_year <= GREGORIAN_MAX:
            raise PeriodError(
                "implausible_period",
                f"{exc}, and the listed year {listed_year} is outside "
                f"{GREGORIAN_MIN}-{GREGORIAN_MAX}",
            ) from None
        note = None if exc.code == "no_period_in_title" else f"title period not used: {exc}"
        cleaned = clean_title(title)
        end = _later_title_year(cleaned, listed_year)
        if end is not None:
            label = f"{listed_year}-{end}"
            period = PlanPeriod(listed_year, end, label, "gregorian", False, None)
            return SourcedPeriod(period, "listed_year_to_title_year", note)
        period = PlanPeriod(listed_year, listed_year, str(listed_year), "gregorian", False, None)
        return SourcedPeriod(period, "listed_year", note)
