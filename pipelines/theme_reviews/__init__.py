"""Dagster code of the theme-mention reviews (the analysts review file, dev-set figures)."""
