"""Every text the warehouse codes (plan pages, publication sentences, the labelled sentences),
coded by the theme-coding engine (sources/theme_coding/, docs/theme_coding.md) with the rules
of the codebook seeds, which are this model's refs. Incremental on text hash + language +
codebook version: a build codes only texts it has not coded under the current rules (one new
plan: that plan's pages); a change to any rule seed changes the version, and everything is
coded again. One row per mention of a coded text, or one row with NULL concept for a coded text
without mentions (so it is not coded again).

A Python model rather than a UDF: the engine needs a whole batch at once (RE2 Set prefilter,
then a process pool over both cores); DuckDB's vectorised Python UDFs need pyarrow, which the
project does not install, and row-at-a-time UDFs hold the GIL on one core.
"""

from sources.theme_coding import codebook as rules
from sources.theme_coding.store import code_keys, keys_sql, todo_sql

TEXT_COLUMNS = (  # (text column, language column) of each text source, in the order below
    ("page_text", "language_code"),
    ("sentence_text", "language"),
    ("text", "language"),
)


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="coding_key",
    )
    # dbt needs literal arguments to ref() to see the lineage
    seeds = {
        rules.PATTERNS_FILE: dbt.ref("codebook_patterns"),
        rules.PROXIMITY_FILE: dbt.ref("codebook_proximity_rules"),
        rules.EXCLUSIONS_FILE: dbt.ref("codebook_pattern_exclusions"),
    }
    texts = (
        dbt.ref("int_plan_pages_labelled"),
        dbt.ref("int_publication_sentences_split"),
        dbt.ref("theme_coding_labelled_sentences"),
    )
    tables = {}
    for file_name, relation in seeds.items():
        records = relation.df().to_dict("records")
        tables[file_name] = [(f"seed {file_name} row {n}", r) for n, r in enumerate(records, 2)]
    codebook = rules.codebook_from_rows(tables)

    selects = []
    for number, (relation, (text_column, language_column)) in enumerate(
        zip(texts, TEXT_COLUMNS, strict=True)
    ):
        view = f"theme_coding_texts_{number}"
        relation.create_view(view, replace=True)
        selects.append(f"SELECT {text_column} AS text, {language_column} AS language FROM {view}")
    session.execute(
        f"CREATE OR REPLACE TEMP TABLE theme_coding_keys AS {keys_sql(' UNION ALL '.join(selects))}"
    )
    existing = str(dbt.this) if dbt.is_incremental else None
    todo = session.execute(todo_sql("theme_coding_keys", existing, codebook.version)).fetchall()
    return code_keys(codebook, todo)
