"""code-eval: learning-team labels derived from a file in the CGD labels format, refined by
reviewed labels, and the theme coding's precision and recall on them (docs/theme_coding.md)."""

import csv
import json

import pytest

from pipelines import code_eval
from pipelines.code_eval import derive_labels, read_label_file, read_reviews, sentence_hash

POLICIES = ("info", "structped", "parentstim", "merit", "travel", "deworm")


def write_labels(path, rows):
    """rows: (language_group, {policy: (label, evidence)}) -> a file in the CGD format."""
    columns = ["language_group", "docid", "source_file", "title"]
    for p in POLICIES:
        columns += [f"bb_{p}", f"bb_{p}_conf", f"bb_{p}_evidence", f"bb_{p}_stage"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        for n, (group, evidence) in enumerate(rows):
            row = {
                "language_group": group,
                "docid": n,
                "source_file": "f.dta",
                "title": f"plan {n}",
            }
            for p in POLICIES:
                label, text = evidence.get(p, (0, ""))
                row |= {f"bb_{p}": label, f"bb_{p}_conf": 0.9, f"bb_{p}_evidence": text}
                row[f"bb_{p}_stage"] = "verify" if text else "triage"
            writer.writerow(row)
    return path


ENGAGEMENT = "parents and communities will be encouraged to participate in the running of schools"
GUIDES = "teachers guides will be printed for every pupil in grades 1 to 3"
COACHING = "newly trained teachers will receive ongoing support from school based coaches"
SCHOLARSHIP = "scholarships will be awarded to the best pupils from poor families"
FRENCH = "l implication des parents d élèves dans la gestion de l école sera renforcée"
TRANSPORT = "les élèves des villages éloignés bénéficieront du transport scolaire"


@pytest.fixture
def labels_file(tmp_path):
    return write_labels(
        tmp_path / "labels.csv",
        [
            ("English", {"parentstim": (1, ENGAGEMENT), "merit": (1, SCHOLARSHIP)}),
            ("English", {"structped": (1, GUIDES)}),
            ("English", {"structped": (1, COACHING), "travel": (0, "")}),
            ("French", {"parentstim": (1, FRENCH), "travel": (1, TRANSPORT)}),
            ("Spanish", {"parentstim": (0, "los padres de familia recibirán orientación")}),
        ],
    )


def test_labels_are_derived_from_the_policy_columns(labels_file):
    sentences = read_label_file(labels_file)
    team_concepts, _ = code_eval.read_codebook_concepts()
    labels, unrelated = derive_labels(sentences, {}, team_concepts)

    assert len(sentences) == 7
    assert labels[(sentence_hash(ENGAGEMENT), "school_community")] == ("match", "derived")
    assert labels[(sentence_hash(FRENCH), "school_community")] == ("match", "derived")
    assert labels[(sentence_hash(GUIDES), "within_school")] == ("match", "derived")
    assert unrelated == {sentence_hash(SCHOLARSHIP), sentence_hash(TRANSPORT)}
    assert labels[(sentence_hash(SCHOLARSHIP), "coaching_mentoring")] == ("no_match", "derived")
    # Evidence labelled 0 for parent engagement is not a derived label either way.
    spanish = sentence_hash("los padres de familia recibirán orientación")
    assert not [k for k in labels if k[0] == spanish]
    assert sentences[sentence_hash(FRENCH)].language == "fr"


def test_reviewed_labels_refine_the_derived_ones(labels_file, tmp_path):
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "sentence_hash,concept_code,decision\n"
        f"{sentence_hash(GUIDES)},within_school,no_match\n"
        f"{sentence_hash(TRANSPORT.upper())},school_community,no_match\n",
        encoding="utf-8",
    )
    sentences = read_label_file(labels_file)
    team_concepts, _ = code_eval.read_codebook_concepts()
    labels, _ = derive_labels(sentences, read_reviews(reviews), team_concepts)

    assert labels[(sentence_hash(GUIDES), "within_school")] == ("no_match", "reviewed")
    # The hash ignores case and spacing, so a review keys the sentence however it was copied.
    assert labels[(sentence_hash(TRANSPORT), "school_community")] == ("no_match", "reviewed")


def test_the_report_gives_recall_per_concept_and_language_and_the_unrelated_share(
    labels_file, tmp_path
):
    out = tmp_path / "report.json"
    assert code_eval.main([str(labels_file), "--no-reviews", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    result = report["results"]["all plans"]
    rows = {(r["concept_code"], r["language"]): r for r in result["concepts"]}

    assert rows[("school_community", "en")]["positives"] == 1
    assert rows[("school_community", "fr")]["positives"] == 1
    assert rows[("school_community", "all")]["recall"] == 1.0
    # Teachers' guides are not in-school collaboration: the derived label counts it as a miss.
    assert rows[("within_school", "en")]["positives"] == 2
    assert rows[("within_school", "en")]["tp"] == 1
    assert result["unrelated"]["all"]["sentences"] == 2
    assert result["unrelated"]["all"]["share"] == 0.0
    assert set(report["results"]) == {"all plans", "half A", "half B"}


def test_check_fails_when_a_target_is_missed(labels_file, tmp_path):
    # Recall on in-school collaboration is 1/2 with the derived labels alone.
    args = [str(labels_file), "--no-reviews", "--json", str(tmp_path / "r.json"), "--check"]
    assert code_eval.main(args) == 1


def test_a_file_in_another_format_is_refused_with_its_name(tmp_path):
    other = tmp_path / "texts.csv"
    other.write_text("id,text\n1,Parents will help\n", encoding="utf-8")
    with pytest.raises(ValueError, match="texts.csv: not a labels file"):
        read_label_file(other)


def test_a_review_with_an_unknown_decision_is_refused(tmp_path):
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("sentence_hash,concept_code,decision\nabc,parents,maybe\n")
    with pytest.raises(ValueError, match="line 2: decision 'maybe'"):
        read_reviews(reviews)


def test_the_reviewed_labels_file_holds_no_plan_text():
    with code_eval.DEFAULT_REVIEWS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(rows[0]) == {"sentence_hash", "concept_code", "decision"}
    assert all(len(r["sentence_hash"]) == 16 for r in rows)


def test_dev_set_meets_the_targets(shared_data_dir):
    """The real dev sentences (third-party labels + reviewed labels) meet the issue's targets."""
    dev = shared_data_dir / "planipolis" / "cgd_rag_labels_dev.csv"
    report = code_eval.run(dev, code_eval.DEFAULT_REVIEWS)
    result = report["results"]["all plans"]
    rows = {(r["concept_code"], r["language"]): r for r in result["concepts"]}

    assert report["reviews_applied"] > 50
    assert rows[("school_community", "all")]["positives"] >= 30
    missed = [t for t in result["targets"] if t["met"] is False]
    assert not missed, missed


def test_list_prints_each_sentence_with_its_hash_for_reviewers(labels_file, capsys):
    assert code_eval.main([str(labels_file), "--list", "--no-reviews"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == [
        "sentence_hash",
        "language",
        "half",
        "policies",
        "labels",
        "sentence",
    ]
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert len(rows) == 7
    engagement = rows[sentence_hash(ENGAGEMENT)]
    assert engagement[1] == "en"
    assert engagement[4] == "school_community=match(derived)"
    assert engagement[5] == ENGAGEMENT
    assert rows[sentence_hash(TRANSPORT)][4] == "unrelated"
