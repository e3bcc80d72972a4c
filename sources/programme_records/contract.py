"""The programme-records data contract: the columns a submitting organisation may send.

One record describes one collaborative initiative (a learning team). Files arrive as CSV, XLSX
or JSON; every format carries the same columns. `docs/programme_records_contract.md` is the
human-readable version of this module; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "list", "code", "year", "count", "amount", "url"]

LIST_SEPARATOR = ";"
"""Multi-valued columns (organisations, actors, funders) are separated by a semicolon in CSV and
XLSX; in JSON they may also be arrays of strings."""

FILE_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}

MIN_YEAR = 1900
"""Earliest plausible start year of a programme."""

MAX_YEARS_AHEAD = 1
"""A start year may be at most this many years after the load year (a programme about to start)."""

MAX_DURATION_YEARS = 50


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool
    description: str
    allowed: tuple[str, ...] = ()


LEVELS = ("local", "regional", "national")
FUNDING_PERIODS = ("per_year", "total", "one_off")

COLUMNS: tuple[Column, ...] = (
    Column(
        "programme_ref",
        "code",
        True,
        "Stable identifier chosen by the submitter (letters, digits, '.', '_', '-'; 3-64 "
        "characters). Sending the same programme_ref again updates that programme.",
    ),
    Column("programme_name", "text", True, "Name of the initiative."),
    Column(
        "organisations",
        "list",
        True,
        "Organisation(s) that run the initiative, separated by ';'.",
    ),
    Column(
        "country_code",
        "code",
        True,
        "ISO 3166-1 alpha-3 code of the country (e.g. GBR, GHA).",
    ),
    Column("subnational_area", "text", False, "Region, county or district, if any."),
    Column("level", "code", True, "Scale of operation.", LEVELS),
    Column("start_year", "year", True, f"Year the initiative started ({MIN_YEAR} or later)."),
    Column(
        "end_year",
        "year",
        False,
        "Year it ended; empty while ongoing. Not before start_year.",
    ),
    Column(
        "team_kind",
        "code",
        True,
        "Kind of learning team, a code of the codebook seed `codebook_team_kinds` "
        "(within_school, school_community, cross_sector).",
    ),
    Column(
        "collaboration_model",
        "code",
        False,
        "Form of collaboration, a code of the codebook seed `codebook_collaboration_models` "
        "(e.g. professional_learning_community, networked_learning_community, teacher_triad).",
    ),
    Column(
        "actors",
        "list",
        True,
        "Actors involved, separated by ';': codes or aliases listed in the seed "
        "`actor_aliases` (e.g. teachers; head_teachers; parents; universities).",
    ),
    Column("schools_count", "count", False, "Number of schools involved (whole number >= 0)."),
    Column("teachers_count", "count", False, "Number of teachers involved (whole number >= 0)."),
    Column("learners_count", "count", False, "Number of learners reached (whole number >= 0)."),
    Column(
        "funding_amount",
        "amount",
        False,
        "Funding amount (a number >= 0, '.' as decimal separator, no thousands separator).",
    ),
    Column(
        "funding_currency",
        "code",
        False,
        "ISO 4217 currency code; required when funding_amount is given.",
    ),
    Column(
        "funding_period",
        "code",
        False,
        "What the amount covers; required when funding_amount is given.",
        FUNDING_PERIODS,
    ),
    Column("funders", "list", False, "Who funds it, separated by ';'."),
    Column(
        "roles_extended",
        "text",
        False,
        "Which roles were extended or adapted by the collaboration, in a sentence or two.",
    ),
    Column("description", "text", False, "What the initiative does."),
    Column(
        "source_name",
        "text",
        True,
        "Where the facts come from (report, article, programme website, submitter).",
    ),
    Column("source_url", "url", False, "Link to the source (http:// or https://)."),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
LIST_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "list")
COUNT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "count")


def column(name: str) -> Column:
    return next(c for c in COLUMNS if c.name == name)
