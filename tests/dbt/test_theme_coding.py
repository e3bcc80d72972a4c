"""The theme coding built by dbt on a fresh warehouse: the rule seeds, the engine's incremental
Python model int_texts_theme_coded, the coded labelled sentences, the quality mart and their data
tests. The labelled sentences meet the thresholds of dbt_project.yml; the model equals the engine
called directly; a second build codes nothing again, a new text codes only that text, and a
changed rule seed recodes everything."""

import csv
import shutil

import duckdb
import pytest
import yaml

from pipelines.settings import DBT_PROJECT_DIR
from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from sources.theme_coding import code_texts, load_codebook
from tests.dbt.run_dbt import dbt, query

pytestmark = pytest.mark.heavy

THEME_CODING_NODES = ["+mart_theme_coding_quality", "codebook_proximity_rules"]
LABELLED = DBT_PROJECT_DIR / "seeds" / "theme_coding" / "theme_coding_labelled_sentences.csv"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("theme_coding") / "learning_teams.duckdb"
    con = duckdb.connect(str(path))
    ensure_raw_schemas(con)
    con.close()
    build = dbt(
        ["build", "--indirect-selection", "cautious", "--select", *THEME_CODING_NODES], path
    )
    return path, build


def test_theme_coding_builds_and_every_dbt_test_passes(warehouse):
    _, build = warehouse
    assert build.returncode == 0, build.stdout[-5000:]
    for name in (
        "int_texts_theme_coded",
        "assert_theme_coding_meets_thresholds",
        "assert_every_concept_has_patterns_in_every_language",
        "unique_stg_theme_reviews__mention_reviews_mention_id",
        "theme_review_latest_decision_wins",
        "plan_theme_mention_one_row_per_mention_with_its_review",
    ):
        assert name in build.stdout, name


def test_model_codes_the_labelled_sentences_exactly_like_the_engine(warehouse):
    path, _ = warehouse
    with LABELLED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected = code_texts(
        load_codebook(),
        [r["sentence_id"] for r in rows],
        [r["text"] for r in rows],
        [r["language"] for r in rows],
    )
    got = query(
        path,
        "SELECT sentence_id, rule_id, char_offset, match_length, matched_text, context, mention_id "
        "FROM intermediate.int_labelled_sentences_coded",
    )
    assert len(got) > 200
    assert set(got) == set(
        zip(
            expected.text_id,
            expected.rule_id,
            expected.char_offset,
            expected.match_length,
            expected.matched_text,
            expected.context,
            expected.mention_id,
            strict=True,
        )
    )


def test_precision_and_recall_per_concept_and_language_meet_the_thresholds(warehouse):
    path, _ = warehouse
    thresholds = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    rows = query(
        path,
        "SELECT concept_type, concept_code, language, n_must_match, n_must_not_match, "
        "precision, recall FROM marts.mart_theme_coding_quality ORDER BY ALL",
    )
    assert len(rows) == 40 * 4  # every concept in every language
    failures = []
    for _, code, language, _, _, precision, recall in rows:
        if (precision or 0) < thresholds["theme_coding_min_concept_precision"] or (
            recall < thresholds["theme_coding_min_concept_recall"]
        ):
            failures.append((code, language, precision, recall))
    by_language = query(
        path,
        "SELECT language, sum(true_positives) / (sum(true_positives) + sum(false_positives)), "
        "sum(true_positives) / (sum(true_positives) + sum(false_negatives)) "
        "FROM marts.mart_theme_coding_quality GROUP BY language ORDER BY language",
    )
    for language, precision, recall in by_language:
        print(f"{language}: precision {precision:.2f} recall {recall:.2f}")
        if precision < thresholds["theme_coding_min_language_precision"] or (
            recall < thresholds["theme_coding_min_language_recall"]
        ):
            failures.append(("all", language, precision, recall))
    assert not failures


def test_only_new_texts_are_coded_and_a_rule_change_recodes_everything(warehouse, tmp_path):
    """Incremental on text hash + codebook version, on a copy of the built warehouse and of the
    project (the copy's seeds change, never the checkout's)."""
    source, _ = warehouse
    path = tmp_path / "learning_teams.duckdb"
    shutil.copy(source, path)
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )

    def coded_at_version():
        return dict(
            query(
                path,
                "SELECT codebook_version, count(DISTINCT coding_key) "
                "FROM intermediate.int_texts_theme_coded GROUP BY ALL",
            )
        )

    def run():
        done = dbt(["run", "--select", "int_texts_theme_coded"], path, project)
        assert done.returncode == 0, done.stdout[-3000:]
        return query(path, "SELECT count(*) FROM intermediate.int_texts_theme_coded")[0][0]

    before = coded_at_version()
    (version, texts), *others = before.items()
    assert not others and texts > 150
    rows = query(path, "SELECT count(*) FROM intermediate.int_texts_theme_coded")[0][0]
    # nothing new: nothing coded, nothing changed
    assert run() == rows
    assert coded_at_version() == before
    # new texts: only they are coded, the rows of the others stay as they were (2,100 texts: the
    # engine's process pool runs inside dbt)
    old_rows = "SELECT * FROM intermediate.int_texts_theme_coded ORDER BY ALL"
    kept = query(path, old_rows)
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO reference.theme_coding_labelled_sentences (sentence_id, language, text) "
        "SELECT 'new-' || i, 'en', 'Parents and teachers will meet in week ' || i || '.' "
        "FROM range(2100) AS t(i)"
    )
    con.close()
    assert run() > rows
    assert coded_at_version() == {version: texts + 2100}
    assert set(kept) <= set(query(path, old_rows))
    coded_new = query(
        path,
        "SELECT count(*) FROM intermediate.int_texts_theme_coded WHERE concept_code = 'parents' "
        "AND char_offset = 0",
    )[0][0]
    assert coded_new >= 2100
    # a changed rule seed: every text coded again under the new version
    patterns = project / "seeds" / "codebook" / "codebook_patterns.csv"
    with patterns.open("a", encoding="utf-8") as f:
        f.write("actor,teachers,en,schoolmasters?\n")
    seeded = dbt(["seed", "--select", "codebook_patterns"], path, project)
    assert seeded.returncode == 0, seeded.stdout[-3000:]
    run()
    after = coded_at_version()
    assert len(after) == 1 and version not in after
    assert list(after.values()) == [texts + 2100]
