"""Regression on the 163 written sentences (dbt_project/seeds/theme_coding/): the project's
codebook codes them as labelled (precision and recall per language at the thresholds of
dbt_project.yml), and the fast engine gives exactly the reference loop's rows."""

import csv
from collections import defaultdict

import yaml

from pipelines.settings import DBT_PROJECT_DIR
from sources.theme_coding import code_texts, load_codebook, reference

LABELLED = DBT_PROJECT_DIR / "seeds" / "theme_coding" / "theme_coding_labelled_sentences.csv"


def labelled():
    with LABELLED.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_engine_equals_reference_on_the_labelled_sentences_in_and_without_their_language():
    codebook, rows = load_codebook(), labelled()
    ids, texts = [r["sentence_id"] for r in rows], [r["text"] for r in rows]
    for languages in ([r["language"] for r in rows], None):
        fast = code_texts(codebook, ids, texts, languages, with_dropped=True, workers=1)
        slow = reference.code_texts(codebook, ids, texts, languages, with_dropped=True)
        assert len(fast) > 200
        assert fast.equals(slow)


def test_labelled_sentences_meet_the_thresholds():
    thresholds = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    rows = labelled()
    coded = code_texts(
        load_codebook(),
        [r["sentence_id"] for r in rows],
        [r["text"] for r in rows],
        [r["language"] for r in rows],
        workers=1,
    )
    found = set(zip(coded.text_id, coded.concept_code, strict=True))
    counts = defaultdict(lambda: [0, 0, 0])  # true positives, false positives, false negatives
    for r in rows:
        for concept in filter(None, r["must_match"].split(";")):
            counts[r["language"]][0 if (r["sentence_id"], concept) in found else 2] += 1
        for concept in filter(None, r["must_not_match"].split(";")):
            if (r["sentence_id"], concept) in found:
                counts[r["language"]][1] += 1
    assert set(counts) == {"en", "fr", "es", "pt"}
    for language, (tp, fp, fn) in sorted(counts.items()):
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        print(
            f"{language}: precision {precision:.2f} recall {recall:.2f} (tp {tp} fp {fp} fn {fn})"
        )
        assert precision >= thresholds["theme_coding_min_language_precision"], language
        assert recall >= thresholds["theme_coding_min_language_recall"], language
