"""The theme-coding engine built by dbt on a fresh warehouse: seeds, compiled patterns, the coded
labelled sentences, the precision/recall mart, their data tests and the unit tests of the business
rules (boundaries, case and accents, exclusions, student teachers, language). Then the precision
and recall per concept and language are printed and checked against the thresholds in
dbt_project.yml (docs/theme_coding.md explains them)."""

import json
import os
import subprocess

import duckdb
import pytest
import yaml

from pipelines.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

THEME_CODING_NODES = [
    "+mart_theme_coding_quality",
    "+int_codebook_patterns_compiled",
    "codebook_pattern_exclusions",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("theme_coding") / "learning_teams.duckdb"
    env = {**os.environ, "LT_WAREHOUSE_PATH": str(path), "DO_NOT_TRACK": "1"}
    build = subprocess.run(
        [DBT_EXECUTABLE, "build", "--indirect-selection", "cautious", "--select"]
        + THEME_CODING_NODES
        + ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env=env,
        capture_output=True,
        text=True,
    )
    return path, build


def query(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_theme_coding_builds_and_every_dbt_test_passes(warehouse):
    _, build = warehouse
    assert build.returncode == 0, build.stdout[-5000:]
    # the business-rule unit tests and the threshold test ran, not only the models
    for name in (
        "theme_coding_patterns_match_whole_words_only",
        "theme_coding_ignores_case_accents_and_line_breaks",
        "theme_coding_exclusions_cancel_overlapping_matches",
        "theme_coding_student_teachers_are_trainee_teachers_only",
        "theme_coding_applies_the_text_language_only",
        "assert_theme_coding_meets_thresholds",
        "assert_every_concept_has_patterns_in_every_language",
        "assert_compiled_patterns_run_in_re2",
    ):
        assert name in build.stdout, name


def test_precision_and_recall_per_concept_and_language_meet_the_thresholds(warehouse):
    path, _ = warehouse
    thresholds = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    rows = query(
        path,
        "SELECT concept_type, concept_code, language, n_must_match, n_must_not_match, "
        "precision, recall FROM marts.mart_theme_coding_quality ORDER BY ALL",
    )
    assert len(rows) == 40 * 4  # every concept in every language
    print(f"\n{'concept':45} {'lang':4} {'must':>4} {'not':>4} {'precision':>9} {'recall':>7}")
    failures = []
    for concept_type, code, language, n_must, n_not, precision, recall in rows:
        p = "n/a" if precision is None else f"{precision:.2f}"
        concept = f"{concept_type}.{code}"
        print(f"{concept:45} {language:4} {n_must:4} {n_not:4} {p:>9} {recall:7.2f}")
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
        print(f"{'ALL CONCEPTS':45} {language:4} {'':4} {'':4} {precision:9.2f} {recall:7.2f}")
        if precision < thresholds["theme_coding_min_language_precision"] or (
            recall < thresholds["theme_coding_min_language_recall"]
        ):
            failures.append(("all", language, precision, recall))
    assert not failures


def test_every_labelled_near_miss_is_absent(warehouse):
    """The faults found in the first read of the codebook stay fixed."""
    path, _ = warehouse
    coded = {
        (row[0], row[1])
        for row in query(
            path, "SELECT sentence_id, concept_code FROM intermediate.int_labelled_sentences_coded"
        )
    }
    texts = dict(
        query(path, "SELECT sentence_id, text FROM reference.theme_coding_labelled_sentences")
    )

    def sentence(fragment):
        return next(k for k, v in texts.items() if fragment in v)

    assert (sentence("ongoing reform"), "ngos") not in coded
    assert (sentence("teacher \u2018triads\u2019"), "teacher_triad") in coded
    assert (sentence("by coach"), "coaching_mentoring") not in coded
    assert (sentence("parent company"), "parents") not in coded
    student_teachers = sentence("Student teachers will complete")
    assert (student_teachers, "trainee_teachers") in coded
    assert (student_teachers, "learners") not in coded
    assert (student_teachers, "teachers") not in coded
    assert (sentence("road network"), "networking") not in coded
    assert (sentence("funding for the sector"), "resources") not in coded


def test_mentions_summarise_to_one_row_per_text_and_concept(warehouse):
    """The sketch of fct_plan_theme: two patterns matching the same words count once."""
    path, _ = warehouse
    inline = "{{ summarise_theme_mentions(ref('int_labelled_sentences_coded'), ['sentence_id']) }}"
    (path.parent / "compile").mkdir(exist_ok=True)
    compiled = subprocess.run(
        [DBT_EXECUTABLE, "compile", "--quiet", "--output", "json", "--inline", inline]
        + ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env={**os.environ, "LT_WAREHOUSE_PATH": str(path.parent / "compile" / path.name)},
        capture_output=True,
        text=True,
        check=True,
    )
    sql = json.loads(compiled.stdout)["compiled"]
    rows = query(
        path,
        f"SELECT s.concept_code, s.mention_count, s.languages, s.example_context FROM ({sql}) s "
        "JOIN reference.theme_coding_labelled_sentences l USING (sentence_id) "
        "WHERE l.text LIKE 'Parental involvement%' ORDER BY s.concept_code",
    )
    by_concept = {code: (count, languages) for code, count, languages, _ in rows}
    assert by_concept["community_members"] == (1, ["en"])  # matched by two patterns
    assert by_concept["school_community"] == (2, ["en"])  # "Parental involvement", volunteers
    assert all(context for *_, context in rows)
