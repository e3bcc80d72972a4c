"""The theme-coding engine on rules written for the test (a scratch seeds folder): Unicode word
boundaries in en/fr/es/pt, acronyms, proximity, exclusions, the longer-match rule, rule ids,
offsets; and the fast engine equals the reference loop, row for row."""

import csv

import pytest

from sources.theme_coding import (
    CodebookError,
    code_texts,
    load_codebook,
    mention_id,
    reference,
    rule_id,
)
from sources.theme_coding.output import text_hash

PATTERNS = [
    ("actor", "teachers", "en", "teachers?"),
    ("actor", "trainee_teachers", "en", "student teachers?"),
    ("actor", "learners", "en", "students?"),
    ("actor", "parents", "en", "parents?"),
    ("actor", "ngos", "en", "ngos?"),
    ("actor", "schools", "fr", "école"),
    ("actor", "schools", "pt", "escolas?"),
    ("actor", "mothers", "pt", "mães"),
    ("actor", "hands", "pt", "ma"),
    ("actor", "parents", "es", "padres"),
    ("actor", "parents", "es", "ñandú"),
    ("actor", "coges", "fr", "COGES"),
    ("component", "flexibility", "en", r"flexib\w*"),
    ("collaboration_model", "coaching_mentoring", "en", "coach(es|ing)?"),
    ("team_kind", "school_community", "fr", "cœur"),
]
PROXIMITY = [
    (
        "team_kind",
        "school_community",
        "en",
        "(parents?|famil(y|ies)|communit(y|ies))",
        r"(engag\w*|participat\w*|involv\w*|working together)",
        "4",
        "actor near an engagement word",
    ),
]
EXCLUSIONS = [
    ("actor", "parents", "en", "parent compan(y|ies)", "the owning company"),
    ("collaboration_model", "coaching_mentoring", "en", "by coach", "a road vehicle"),
    ("team_kind", "school_community", "en", "family planning", "health, not schools"),
]


def write_seeds(folder, patterns=PATTERNS, proximity=PROXIMITY, exclusions=EXCLUSIONS):
    key = ["concept_type", "concept_code", "language"]
    for name, header, rows in (
        ("codebook_patterns.csv", key + ["pattern"], patterns),
        (
            "codebook_proximity_rules.csv",
            key + ["term_a", "term_b", "max_words", "reason"],
            proximity,
        ),
        ("codebook_pattern_exclusions.csv", key + ["pattern", "reason"], exclusions),
    ):
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
    return folder


@pytest.fixture
def codebook(tmp_path):
    return load_codebook(write_seeds(tmp_path))


def code(codebook, text, language=None, **kwargs):
    """Code one text with the engine; check the reference gives the same rows."""
    fast = code_texts(codebook, ["t"], [text], [language], workers=1, **kwargs)
    slow = reference.code_texts(codebook, ["t"], [text], [language], **kwargs)
    assert fast.equals(slow), (fast, slow)
    return fast


def found(codebook, text, language=None):
    return [(r.concept_code, r.matched_text) for r in code(codebook, text, language).itertuples()]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # en: whole words only, either side
        (
            "NGOs and teachers; the ongoing reform",
            "en",
            [("ngos", "NGOs"), ("teachers", "teachers")],
        ),
        ("schoolteachers and teachership", "en", []),
        # fr: an apostrophe is not a letter, an accented letter is one
        ("l'école et l’École", "fr", [("schools", "école"), ("schools", "École")]),
        ("écoles, préécole", "fr", []),
        ("au cœur de l'école", "fr", [("school_community", "cœur"), ("schools", "école")]),
        ("sœurs", "fr", []),
        # es: ñ is a letter (accents are ignored: "ñandú" matches "nandu" too)
        (
            "los padres, el ñandú y NANDU",
            "es",
            [("parents", "padres"), ("parents", "ñandú"), ("parents", "NANDU")],
        ),
        ("compadres", "es", []),
        # pt: "ma" never inside "maçã"; "mães" whole
        ("a maçã e as mães", "pt", [("mothers", "mães")]),
        ("ma escola", "pt", [("hands", "ma"), ("schools", "escola")]),
        ("mamães", "pt", []),
    ],
)
def test_word_boundaries_are_unicode_aware(codebook, text, language, expected):
    assert found(codebook, text, language) == expected


def test_a_stem_does_not_stop_at_a_non_ascii_letter(codebook):
    # \w in a rule is any Unicode letter: the stem runs to the end of the word or not at all
    assert found(codebook, "flexibility, flexibœ", "en") == [
        ("flexibility", "flexibility"),
        ("flexibility", "flexibœ"),
    ]


def test_an_upper_case_pattern_is_a_case_sensitive_acronym(codebook):
    assert found(codebook, "Les COGES et les Coges; coges", "fr") == [("coges", "COGES")]
    assert found(codebook, "COGESS", "fr") == []


def test_proximity_rule_matches_either_order_within_max_words(codebook):
    rows = code(codebook, "We will increase the engagement of parents and communities.", "en")
    proximity = rows[rows.rule_kind == "proximity"]
    assert list(proximity.matched_text) == ["engagement of parents"]
    assert found(codebook, "Parents will be encouraged to participate.", "en")[-1] == (
        "school_community",
        "Parents will be encouraged to participate",
    )
    # five words between: too far; a sentence break between: no match
    far = "parents who live in the remote villages participate"
    assert ("school_community", far) not in found(codebook, far, "en")
    assert (
        not code(codebook, "Parents were told. Participation is key.", "en")
        .rule_kind.eq("proximity")
        .any()
    )


def test_exclusion_drops_overlapping_match_of_its_concept_and_says_which(codebook):
    assert found(codebook, "The parent company and the parents", "en") == [("parents", "parents")]
    explained = code(
        codebook, "Pupils travel by coach to the coaching session", "en", with_dropped=True
    )
    dropped = dict(zip(explained.matched_text, explained.dropped_by.fillna(""), strict=True))
    assert dropped["coach"] == rule_id(
        "collaboration_model", "coaching_mentoring", "en", "by coach"
    )
    assert dropped["coaching"] == ""
    # an exclusion of one concept never drops another
    assert ("school_community", "family planning will engage") not in found(
        codebook, "family planning will engage", "en"
    ) and found(codebook, "family planning", "en") == []


def test_longer_match_of_another_concept_of_the_same_type_wins(codebook):
    rows = code(codebook, "Student teachers and students", "en", with_dropped=True)
    kept = rows[rows.dropped_by.isna()]
    assert list(zip(kept.concept_code, kept.matched_text, strict=True)) == [
        ("trainee_teachers", "Student teachers"),
        ("learners", "students"),
    ]
    inner = rows[rows.dropped_by.notna()]
    assert set(inner.concept_code) == {"learners", "teachers"}
    assert set(inner.dropped_by) == {
        "longer:" + rule_id("actor", "trainee_teachers", "en", "student teachers?")
    }


def test_language_selects_rules_and_unknown_language_uses_all(codebook):
    assert found(codebook, "los padres", "en") == []
    assert found(codebook, "los padres", None) == [("parents", "padres")]
    assert found(codebook, "los padres", " ES ") == [("parents", "padres")]
    assert found(codebook, "los padres", "de") == []


def test_offsets_are_in_the_nfc_text_and_ids_are_stable(codebook):
    decomposed = "Cafe\u0301 des parents"  # "Café" with a combining accent
    rows = code(codebook, decomposed, "en")
    (row,) = rows.itertuples()
    nfc_text = "Caf\u00e9 des parents"
    assert nfc_text[row.char_offset : row.char_offset + row.match_length] == "parents"
    assert row.text_hash == text_hash(nfc_text)
    assert row.mention_id == mention_id(text_hash(nfc_text), "parents", 9, 7)
    assert row.rule_id == rule_id("actor", "parents", "en", "parents?")
    assert code(codebook, decomposed, "en").mention_id.tolist() == [row.mention_id]


def test_codebook_version_follows_the_rule_files(tmp_path):
    first = load_codebook(write_seeds(tmp_path))
    again = load_codebook(tmp_path)
    changed = load_codebook(write_seeds(tmp_path, patterns=PATTERNS[:-1]))
    assert first.version == again.version != changed.version


def test_bad_rule_rows_are_named(tmp_path):
    write_seeds(tmp_path, patterns=[("actor", "x", "en", "")])
    with pytest.raises(CodebookError, match=r"codebook_patterns\.csv:2: empty pattern"):
        load_codebook(tmp_path)
    write_seeds(tmp_path, proximity=[("actor", "x", "en", "a", "b", "few", "r")])
    with pytest.raises(CodebookError, match=r"codebook_proximity_rules\.csv:2: max_words"):
        load_codebook(tmp_path)


def test_parallel_batches_equal_the_reference(codebook):
    texts = [
        "Student teachers and parents engage with NGOs in l'école; los padres participan.",
        "La maçã, as mães e os COGES; the parent company; by coach; coaching.",
        None,
    ] * 700
    languages = [None, "pt", "en"] * 700
    ids = list(range(len(texts)))
    fast = code_texts(codebook, ids, texts, languages, workers=2, with_dropped=True)
    slow = reference.code_texts(codebook, ids, texts, languages, with_dropped=True)
    assert len(fast) > 5000
    assert fast.equals(slow)
