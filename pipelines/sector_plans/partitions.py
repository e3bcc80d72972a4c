"""One dynamic partition per education sector plan, keyed `<ISO3>/<slug>` (the plan page's slug,
e.g. `GHA/education-strategic-plan-2018-2030-6512`): a person can find a plan by its key, and
one plan's bad document never holds back another plan."""

import dagster as dg

sector_plans = dg.DynamicPartitionsDefinition(name="sector_plans")
