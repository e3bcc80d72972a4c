"""The blocking suite on World Bank values about to be published (API and bulk CSV), generated
from the rules in `sources/worldbank/values.py` (`AUDIT_RULES`), so the rules are written once."""

from __future__ import annotations

from typing import Any

from sources.worldbank.values import AUDIT_RULES

SUITE_NAME = "raw_worldbank_values"


def raw_worldbank_values_suite() -> dict[str, Any]:
    """The suite as GE JSON (the shape of `ExpectationSuite.to_json_dict()`)."""
    return {
        "name": SUITE_NAME,
        "id": None,
        "expectations": [
            {
                "type": rule["type"],
                "kwargs": dict(rule["kwargs"]),
                "meta": {"rule": rule["rule"]},
                "severity": "critical",
            }
            for rule in AUDIT_RULES
        ],
        "meta": {
            "table": "raw.worldbank_api_values",
            "description": "World Bank indicator values about to be published by one load (an "
            "indicator from the API, or a bulk CSV file), generated from "
            "sources/worldbank/values.py AUDIT_RULES: a load whose values break a rule "
            "publishes nothing and its run fails.",
        },
        "notes": None,
    }
