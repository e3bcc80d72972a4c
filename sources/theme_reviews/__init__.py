"""Analysts' reviews of theme mentions (accepted / rejected), loaded from a CSV into raw tables
with validation and quarantine; and the dev-set evaluation figures of `make code-eval`."""
