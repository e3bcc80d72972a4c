"""The blocking suite on a plan's pages before they are published, generated from the rules in
`sources/sector_plans/plans.py` (`PAGE_RULES`), so the rules are written once."""

from __future__ import annotations

from typing import Any

from sources.sector_plans.plans import PAGE_RULES
from sources.sector_plans.raw_schema import PAGES_TABLE

SUITE_NAME = "raw_sector_plan_pages"


def raw_sector_plan_pages_suite() -> dict[str, Any]:
    """The suite as GE JSON (the shape of `ExpectationSuite.to_json_dict()`)."""
    derived = dict(rule["derived"] for rule in PAGE_RULES if "derived" in rule)
    expectations = [
        {
            "type": rule["type"],
            "kwargs": dict(rule["kwargs"]),
            "meta": {"rule": rule["rule"]},
            "severity": "critical",
        }
        for rule in PAGE_RULES
    ]
    return {
        "name": SUITE_NAME,
        "id": None,
        "expectations": expectations,
        "meta": {
            "table": PAGES_TABLE,
            "description": "The pages of one education sector plan about to be published "
            "(generated from sources/sector_plans/plans.py PAGE_RULES): a plan whose pages "
            "break a rule publishes nothing and its partition fails.",
            "derived_columns": derived,
        },
        "notes": None,
    }
