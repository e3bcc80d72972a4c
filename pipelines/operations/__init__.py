"""Operations: what tells a data engineer that something is wrong (freshness per source, alerts
on failed runs and checks), how source steps retry, and whether the live-network sensors and
schedules start on. Applied once to the merged Definitions (pipelines/definitions.py)."""
