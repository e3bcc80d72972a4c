"""The rule examples (dbt_project/seeds/codebook/codebook_rule_examples.csv): every example is
coded as it says, and every phrase pattern, proximity rule and exclusion of the codebook is
exercised by an example or a labelled sentence (a rule nothing exercises is untested)."""

import csv
from collections import defaultdict

import pytest

from pipelines.settings import DBT_PROJECT_DIR
from sources.theme_coding import code_texts, load_codebook

SEEDS = DBT_PROJECT_DIR / "seeds"
EXAMPLES = SEEDS / "codebook" / "codebook_rule_examples.csv"
LABELLED = SEEDS / "theme_coding" / "theme_coding_labelled_sentences.csv"


def read(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def coded():
    """(examples, kept concepts per example id, rule ids that produced or dropped a match)."""
    codebook, examples, labelled = load_codebook(), read(EXAMPLES), read(LABELLED)
    ids = [f"example {n + 2}" for n in range(len(examples))]
    ids += [f"labelled {r['sentence_id']}" for r in labelled]
    texts = [e["sentence"] for e in examples] + [r["text"] for r in labelled]
    languages = [e["language"] for e in examples] + [r["language"] for r in labelled]
    rows = code_texts(codebook, ids, texts, languages, with_dropped=True, workers=1)
    kept, exercised = defaultdict(set), set()
    for text_id, concept, rule, dropped_by in zip(
        rows["text_id"], rows["concept_code"], rows["rule_id"], rows["dropped_by"], strict=True
    ):
        exercised.add(rule)
        if isinstance(dropped_by, str):
            exercised.add(dropped_by.removeprefix("longer:"))
        else:
            kept[text_id].add(concept)
    return codebook, examples, kept, exercised


def test_every_example_is_coded_as_it_says(coded):
    _, examples, kept, _ = coded
    assert len(examples) > 50
    wrong = []
    for n, example in enumerate(examples):
        found = example["concept_code"] in kept[f"example {n + 2}"]
        if found != (example["expected"] == "match"):
            wrong.append(
                f"line {n + 2}: expected {example['expected']} {example['concept_code']} "
                f"({example['language']}): {example['sentence']!r}; coded "
                f"{sorted(kept[f'example {n + 2}'])}"
            )
    assert not wrong, "\n".join(wrong)


def test_examples_include_near_misses_for_the_new_rule_kinds(coded):
    _, examples, _, _ = coded
    expected = {e["expected"] for e in examples}
    assert expected == {"match", "no_match"}


def test_every_rule_is_exercised_by_an_example_or_a_labelled_sentence(coded):
    codebook, _, _, exercised = coded
    kinds = {r.kind for r in codebook.rules}
    assert {"pattern", "proximity", "exclusion"} <= kinds
    untested = [
        f"{r.kind} {r.concept_type}/{r.concept_code} ({r.language}): {r.text}"
        for r in codebook.rules
        if r.rule_id not in exercised
    ]
    assert not untested, "rules no example exercises:\n" + "\n".join(untested)
