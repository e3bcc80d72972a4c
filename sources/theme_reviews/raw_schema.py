"""The raw tables of theme-mention reviews and of the dev-set evaluation (created empty).

No load timestamp: a reload of an unchanged file gives identical rows, so the warehouse build
sees nothing new (pipelines/warehouse/build_inputs.py fingerprints raw tables)."""

import duckdb

DDL = (
    "CREATE SCHEMA IF NOT EXISTS raw",
    """CREATE TABLE IF NOT EXISTS raw.theme_mention_reviews (
        mention_id VARCHAR NOT NULL, decision VARCHAR NOT NULL, reviewer VARCHAR NOT NULL,
        reviewed_at TIMESTAMP NOT NULL, note VARCHAR, source_file VARCHAR NOT NULL,
        source_row INTEGER NOT NULL, source_sha256 VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS raw.theme_mention_reviews_quarantine (
        source_file VARCHAR NOT NULL, source_row INTEGER, record VARCHAR,
        reason VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS raw.theme_coding_dev_eval (
        part VARCHAR NOT NULL, concept_code VARCHAR NOT NULL, language VARCHAR NOT NULL,
        positives INTEGER, negatives INTEGER, tp INTEGER, fp INTEGER, "precision" DOUBLE,
        recall DOUBLE, engine VARCHAR, source_file VARCHAR NOT NULL)""",
)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)
