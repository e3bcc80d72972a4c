"""The programme-records data contract: the columns a submitting organisation may send, and every
rule a value must meet.

One record describes one collaborative initiative (a learning team). Files arrive as CSV, XLSX
or JSON; every format carries the same columns. This module is the one place the rules live:
the loader's SQL validation (`validation.py`) is generated from it, and
`docs/programme_records_contract.md` is the human-readable version (a test keeps it in step).

Patterns are written in the subset of regular-expression syntax that DuckDB (RE2) and Python's
`re` read identically: ASCII character classes only (`[0-9]`, never `\\d`, which matches
full-width digits in Python), no look-arounds, so the documentation and any Python tool read
them as the loader does (`full_pattern_sql` anchors them for DuckDB).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "list", "code", "year", "count", "amount", "url", "fields"]

LIST_SEPARATOR = ";"
"""Multi-valued columns (organisations, actors, funders) are separated by a semicolon in CSV and
XLSX; in JSON they may also be arrays of strings."""

FILE_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}

MIN_YEAR = 1900
"""Earliest plausible start year of a programme."""

MAX_YEARS_AHEAD = 1
"""A start year may be at most this many years after the reference year (a programme about to
start)."""


def reference_year(delivered_at: str) -> int:
    """The year "now" for the rules that depend on it (the latest start year): the year the file
    was delivered (`delivered_at`, ISO 8601), so a delivery is judged the same however late it is
    loaded or rebuilt, and never by the clock of the machine that loads it."""
    return int(delivered_at[:4])


MAX_DURATION_YEARS = 50

WHITESPACE = " \t\r\n\u00a0\u2007\u202f\u3000\ufeff"
"""Characters trimmed from both ends of every value (ASCII and Unicode spaces, a stray BOM)."""

YEAR_PATTERN = "[0-9]{4}"
COUNT_PATTERN = "0|[1-9][0-9]{0,11}"
AMOUNT_PATTERN = "(?:0|[1-9][0-9]{0,14})(?:[.][0-9]{1,2})?"
"""Non-capturing groups: pandas warns about capturing groups in a match pattern."""
URL_PATTERN = "https?://[!-~]+"
"""http(s) URL of printable ASCII (non-ASCII characters percent-encoded)."""
CODE3_PATTERN = "[A-Za-z]{3}"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool
    description: str
    allowed: tuple[str, ...] = ()
    """Allowed values (matched case-insensitively)."""
    pattern: str | None = None
    """Shape every value must have (see module docstring), if any."""
    pattern_hint: str = ""
    """What the pattern means, for messages: '... is not <hint>'."""
    min_value: float | None = None
    max_value: float | None = None
    max_length: int | None = None
    """Longest value accepted, in characters."""
    reference: str | None = None
    """The dbt seed (and what its codes are) that lists the valid codes, if any."""


def full_pattern_sql(pattern: str) -> str:
    """For DuckDB's regexp_full_match (anchored by the function itself)."""
    return pattern


LEVELS = ("local", "regional", "national")
FUNDING_PERIODS = ("per_year", "total", "one_off")
FUNDING_BASES = ("programme", "per_network", "per_school")
FIGURE_COLUMNS = (
    "start_year",
    "end_year",
    "schools_count",
    "teachers_count",
    "learners_count",
    "funding_amount",
)
"""Figures a submitter may qualify as approximate or as a minimum (see approximate_fields)."""

NAME_LENGTH = 300
TEXT_LENGTH = 20_000

COLUMNS: tuple[Column, ...] = (
    Column(
        "programme_ref",
        "code",
        True,
        "Stable identifier chosen by the submitter (letters, digits, '.', '_', '-'; 3-64 "
        "characters). Sending the same programme_ref again updates that programme; a "
        "programme_ref belongs to the organisation that first delivered it.",
        pattern="[A-Za-z0-9._-]{3,64}",
        pattern_hint="3-64 letters, digits, dots, underscores or hyphens",
    ),
    Column("programme_name", "text", True, "Name of the initiative.", max_length=NAME_LENGTH),
    Column(
        "organisations",
        "list",
        True,
        "Organisation(s) that run the initiative, separated by ';'.",
        max_length=TEXT_LENGTH,
    ),
    Column(
        "country_code",
        "code",
        True,
        "ISO 3166-1 alpha-3 code of the country (e.g. GBR, GHA).",
        pattern=CODE3_PATTERN,
        pattern_hint="an ISO 3166-1 alpha-3 country code (three letters)",
        reference="reference/countries.csv: an ISO 3166-1 alpha-3 country code",
    ),
    Column(
        "subnational_area",
        "text",
        False,
        "Region, county or district, if any.",
        max_length=NAME_LENGTH,
    ),
    Column("level", "code", True, "Scale of operation.", LEVELS),
    Column(
        "start_year",
        "year",
        True,
        f"Year the initiative started ({MIN_YEAR} or later, at most the year after the delivery).",
        pattern=YEAR_PATTERN,
        pattern_hint="a year (four ASCII digits)",
        min_value=MIN_YEAR,
    ),
    Column(
        "end_year",
        "year",
        False,
        f"Year it ended; empty while ongoing. Not before start_year, at most "
        f"{MAX_DURATION_YEARS} years after it.",
        pattern=YEAR_PATTERN,
        pattern_hint="a year (four ASCII digits)",
        min_value=MIN_YEAR,
    ),
    Column(
        "team_kind",
        "code",
        True,
        "Kind of learning team, a code of the codebook seed `codebook_team_kinds` "
        "(within_school, school_community, cross_sector).",
        reference="codebook/codebook_team_kinds.csv: a team kind of the codebook",
    ),
    Column(
        "collaboration_model",
        "code",
        False,
        "Form of collaboration, a code of the codebook seed `codebook_collaboration_models` "
        "(e.g. professional_learning_community, networked_learning_community, teacher_triad); "
        "each model belongs to one team kind, which must be the record's team_kind.",
        reference="codebook/codebook_collaboration_models.csv: a collaboration model of the "
        "codebook",
    ),
    Column(
        "actors",
        "list",
        True,
        "Actors involved, separated by ';': codes or aliases listed in the seed "
        "`actor_aliases` (e.g. teachers; head_teachers; parents; universities).",
        max_length=TEXT_LENGTH,
    ),
    Column(
        "schools_count",
        "count",
        False,
        "Number of schools involved (whole number 0-1,000,000, no separators).",
        pattern=COUNT_PATTERN,
        pattern_hint="a whole number without sign, separators or leading zeros",
        min_value=0,
        max_value=1_000_000,
    ),
    Column(
        "teachers_count",
        "count",
        False,
        "Number of teachers involved (whole number 0-100,000,000, no separators).",
        pattern=COUNT_PATTERN,
        pattern_hint="a whole number without sign, separators or leading zeros",
        min_value=0,
        max_value=100_000_000,
    ),
    Column(
        "learners_count",
        "count",
        False,
        "Number of learners reached (whole number 0-2,000,000,000, no separators).",
        pattern=COUNT_PATTERN,
        pattern_hint="a whole number without sign, separators or leading zeros",
        min_value=0,
        max_value=2_000_000_000,
    ),
    Column(
        "funding_amount",
        "amount",
        False,
        "Funding amount: a number 0-1,000,000,000,000 with '.' as decimal separator, at most 2 "
        "decimals, no sign, thousands separator or leading zeros.",
        pattern=AMOUNT_PATTERN,
        pattern_hint="a number with at most 2 decimals ('.' as separator; no sign, thousands "
        "separators or leading zeros)",
        min_value=0,
        max_value=1_000_000_000_000,
    ),
    Column(
        "funding_currency",
        "code",
        False,
        "ISO 4217 currency code; required when funding_amount is given.",
        pattern=CODE3_PATTERN,
        pattern_hint="an ISO 4217 currency code (three letters)",
        reference="reference/currencies.csv: an ISO 4217 currency code",
    ),
    Column(
        "funding_period",
        "code",
        False,
        "What the amount covers in time; required when funding_amount is given.",
        FUNDING_PERIODS,
    ),
    Column(
        "funding_basis",
        "code",
        False,
        "Whom the amount is for: the whole programme (the default when empty), each network, "
        "or each school. Only whole-programme amounts are added up across programmes.",
        FUNDING_BASES,
    ),
    Column(
        "approximate_fields",
        "fields",
        False,
        "Figures that are approximations, not facts from the source, separated by ';' (any of "
        f"{', '.join(FIGURE_COLUMNS)}).",
    ),
    Column(
        "minimum_fields",
        "fields",
        False,
        "Figures that are minimums ('at least'), separated by ';' (any of "
        f"{', '.join(FIGURE_COLUMNS)}). Minimum counts are not added into totals.",
    ),
    Column("funders", "list", False, "Who funds it, separated by ';'.", max_length=TEXT_LENGTH),
    Column(
        "roles_extended",
        "text",
        False,
        "Which roles were extended or adapted by the collaboration, in a sentence or two.",
        max_length=TEXT_LENGTH,
    ),
    Column("description", "text", False, "What the initiative does.", max_length=TEXT_LENGTH),
    Column(
        "source_name",
        "text",
        True,
        "Where the facts come from (report, article, programme website, submitter).",
        max_length=TEXT_LENGTH,
    ),
    Column(
        "source_url",
        "url",
        False,
        "Link to the source (http:// or https://, printable ASCII: percent-encode other "
        "characters).",
        pattern=URL_PATTERN,
        pattern_hint="an http(s) URL",
        max_length=2_000,
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
LIST_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "list")
COUNT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "count")
FIELDS_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "fields")
REQUIRED_WITH_AMOUNT = ("funding_currency", "funding_period")
"""Columns that must have a value whenever funding_amount has one."""


def column(name: str) -> Column:
    return next(c for c in COLUMNS if c.name == name)
