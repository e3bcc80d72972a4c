"""World Bank Indicators API v2 and WDI bulk CSV connector (no Dagster code): workforce
indicators per country and year, loaded write-audit-publish into the raw layer."""
