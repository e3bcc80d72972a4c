"""Measure the theme coding on real plan text labelled by a third party.

    python -m pipelines.code_eval LABELS.csv [--reviews FILE] [--json OUT.json] [--check]
    make code-eval LABELS=LABELS.csv

LABELS is a file in the format of the CGD "smart buys" labels (../shared/data/planipolis/
cgd_rag_labels_dev.csv): one row per plan, `language_group`, and per policy `bb_<policy>`,
`bb_<policy>_conf`, `bb_<policy>_evidence`, `bb_<policy>_stage`. Learning-team labels are derived
from those columns (docs/theme_coding.md, "Measured on real plan text"):

- `parentstim` evidence labelled 1: parents' or communities' engagement in children's learning,
  so the team kind `school_community` must be coded;
- `structped` evidence labelled 1: in-school support of teachers, so `within_school` must be coded;
- evidence for `deworm`, `merit`, `travel`, `info` (any label): real plan text that names parents,
  teachers or communities without describing a learning team, so no team kind, collaboration
  model or partnership component may be coded (the false-alarm measure).

A reviewed-labels file (`--reviews`, default bench/labels/cgd_dev_reviewed_labels.csv) refines
them where a person read a sentence differently: rows `sentence_hash,concept_code,decision`
(`match` / `no_match`), keyed by `sentence_hash()` so it holds no plan text. A collaboration model
also counts as its team kind (codebook_collaboration_models.csv), so a sentence coded
`school_community_partnership` is a `school_community` hit.

Figures are given for all plans and for two fixed halves split by a hash of the plan key
(`plan_half`), to see how stable they are across plans (docs/theme_coding.md says what the split
does and does not show).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .settings import DBT_PROJECT_DIR, REPO_ROOT

CODEBOOK_DIR = DBT_PROJECT_DIR / "seeds" / "codebook"
DEFAULT_REVIEWS = REPO_ROOT / "bench" / "labels" / "cgd_dev_reviewed_labels.csv"
DEFAULT_JSON = REPO_ROOT / "warehouse" / "reports" / "code_eval.json"

POSITIVE_POLICIES = {"parentstim": "school_community", "structped": "within_school"}
UNRELATED_POLICIES = ("deworm", "merit", "travel", "info")
LANGUAGE_GROUPS = {"english": "en", "french": "fr", "spanish": "es", "portuguese": "pt"}
# Concept types that say "this text describes a learning team" (actors alone do not).
TEAM_CONCEPT_TYPES = ("team_kind", "collaboration_model", "partnership_component")
# The actors whose mere mention must not make a text a learning team (the harder negatives).
NAMED_ACTORS = ("parents", "teachers", "head_teachers", "community_members", "learners")
HEADLINE = {
    "school_community": "parent/community engagement",
    "within_school": "in-school collaboration/coaching",
}
TARGETS = {"recall": 0.8, "unrelated_share": 0.05, "language_gap": 0.1}
DECISIONS = ("match", "no_match")


def sentence_hash(text: str) -> str:
    """16 hex digits of sha256 over the sentence in NFC, lower case, whitespace collapsed."""
    normal = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def plan_half(plan_key: str) -> str:
    """'A' or 'B': a fixed split of the plans by a hash of their key."""
    return "AB"[int(hashlib.md5(("half|" + plan_key).encode("utf-8")).hexdigest(), 16) % 2]


@dataclass
class Sentence:
    hash: str
    text: str
    language: str | None
    half: str
    policies: set[tuple[str, int]] = field(default_factory=set)


def read_label_file(path: Path) -> dict[str, Sentence]:
    """Every non-empty evidence sentence of the file, once per distinct sentence."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
        policies = sorted(
            c[3:-9] for c in columns if c.startswith("bb_") and c.endswith("_evidence")
        )
        missing = [c for c in ("language_group",) if c not in columns]
        missing += [f"bb_{p}" for p in policies if f"bb_{p}" not in columns]
        if missing or not policies:
            raise ValueError(
                f"{path}: not a labels file: missing column(s) "
                f"{', '.join(missing) or 'bb_<policy>_evidence'}"
            )
        sentences: dict[str, Sentence] = {}
        for line, row in enumerate(reader, start=2):
            group = (row.get("language_group") or "").strip().lower()
            language = LANGUAGE_GROUPS.get(group)
            plan_key = "|".join(row.get(c) or "" for c in ("docid", "source_file", "title"))
            plan_key = plan_key if plan_key.strip("|") else f"line {line}"
            for policy in policies:
                text = (row.get(f"bb_{policy}_evidence") or "").strip()
                if not text:
                    continue
                try:
                    label = int(float(row.get(f"bb_{policy}") or 0))
                except ValueError:
                    raise ValueError(
                        f"{path} line {line}: bb_{policy} is {row.get(f'bb_{policy}')!r}, "
                        "expected 0 or 1"
                    ) from None
                key = sentence_hash(text)
                sentence = sentences.setdefault(
                    key, Sentence(key, text, language, plan_half(plan_key))
                )
                sentence.policies.add((policy, label))
    return sentences


def read_reviews(path: Path | None) -> dict[tuple[str, str], str]:
    """(sentence_hash, concept_code) -> decision, from a reviewed-labels file (if any)."""
    if path is None or not Path(path).is_file():
        return {}
    reviews: dict[tuple[str, str], str] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            decision = (row.get("decision") or "").strip()
            if decision not in DECISIONS:
                raise ValueError(f"{path} line {line}: decision {decision!r} not in {DECISIONS}")
            reviews[(row["sentence_hash"].strip(), row["concept_code"].strip())] = decision
    return reviews


def read_codebook_concepts() -> tuple[dict[str, str], dict[str, str]]:
    """(concept_code -> concept_type for team concepts, collaboration model -> its team kind)."""

    def rows(name: str) -> list[dict[str, str]]:
        with (CODEBOOK_DIR / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    types: dict[str, str] = {}
    for row in rows("codebook_team_kinds.csv"):
        types[row["team_kind_code"]] = "team_kind"
    models = rows("codebook_collaboration_models.csv")
    for row in models:
        types[row["collaboration_model_code"]] = "collaboration_model"
    for row in rows("codebook_partnership_components.csv"):
        types[row["component_code"]] = "partnership_component"
    return types, {r["collaboration_model_code"]: r["team_kind_code"] for r in models}


def derive_labels(
    sentences: dict[str, Sentence],
    reviews: dict[tuple[str, str], str],
    team_concepts: dict[str, str],
) -> tuple[dict[tuple[str, str], tuple[str, str]], set[str]]:
    """(sentence_hash, concept_code) -> (decision, 'derived'|'reviewed'); the unrelated set."""
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    unrelated: set[str] = set()
    for key, sentence in sentences.items():
        positive = [
            POSITIVE_POLICIES[p]
            for p, lab in sentence.policies
            if lab == 1 and p in POSITIVE_POLICIES
        ]
        for concept in positive:
            labels[(key, concept)] = ("match", "derived")
        if not positive and any(p in UNRELATED_POLICIES for p, _ in sentence.policies):
            unrelated.add(key)
            for concept in team_concepts:
                labels[(key, concept)] = ("no_match", "derived")
    for (key, concept), decision in reviews.items():
        if key in sentences:
            labels[(key, concept)] = (decision, "reviewed")
            if decision == "match" and concept in team_concepts:
                unrelated.discard(key)
    return labels, unrelated


def code_sentences(sentences: dict[str, Sentence]) -> tuple[dict[str, set[str]], str]:
    """sentence hash -> coded concept codes (kept mentions), and the codebook version."""
    from sources.theme_coding import code_texts, load_codebook

    keys = list(sentences)
    codebook = load_codebook()
    rows = code_texts(
        codebook, keys, [sentences[k].text for k in keys], [sentences[k].language for k in keys]
    )
    coded: dict[str, set[str]] = defaultdict(set)
    for key, concept in zip(rows["text_id"], rows["concept_code"], strict=True):
        coded[str(key)].add(concept)
    return coded, f"sources.theme_coding (codebook {codebook.version})"


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def evaluate(
    sentences: dict[str, Sentence],
    labels: dict[tuple[str, str], tuple[str, str]],
    unrelated: set[str],
    coded: dict[str, set[str]],
    team_concepts: dict[str, str],
    model_team_kind: dict[str, str],
    half: str | None = None,
) -> dict:
    """Precision and recall per concept and language, and the unrelated share, for one half."""

    def found(key: str) -> set[str]:
        concepts = set(coded.get(key, ()))
        return concepts | {model_team_kind[c] for c in concepts if c in model_team_kind}

    chosen = {k for k, s in sentences.items() if half is None or s.half == half}
    cells: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"tp": 0, "fn": 0, "fp": 0, "tn": 0, "reviewed": 0}
    )
    for (key, concept), (decision, source) in labels.items():
        if key not in chosen:
            continue
        hit = concept in found(key)
        cell_key = (
            "tp"
            if decision == "match" and hit
            else "fn"
            if decision == "match"
            else ("fp" if hit else "tn")
        )
        for language in (sentences[key].language or "unknown", "all"):
            cells[(concept, language)][cell_key] += 1
            cells[(concept, language)]["reviewed"] += source == "reviewed"
    concepts = []
    for (concept, language), c in sorted(cells.items()):
        concepts.append(
            {
                "concept_code": concept,
                "language": language,
                "positives": c["tp"] + c["fn"],
                "negatives": c["fp"] + c["tn"],
                **{k: c[k] for k in ("tp", "fn", "fp", "tn", "reviewed")},
                "precision": _ratio(c["tp"], c["tp"] + c["fp"]),
                "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
            }
        )
    share: dict[str, dict] = {}
    by_language: dict[str, list[str]] = defaultdict(list)
    for key in sorted(unrelated & chosen):
        by_language[sentences[key].language or "unknown"].append(key)
        by_language["all"].append(key)
    for language, keys in sorted(by_language.items()):
        flagged = [k for k in keys if found(k) & set(team_concepts)]
        wrong = defaultdict(int)
        for k in flagged:
            for concept in found(k) & set(team_concepts):
                wrong[concept] += 1
        naming = [k for k in keys if found(k) & set(NAMED_ACTORS)]
        naming_flagged = [k for k in naming if k in flagged]
        share[language] = {
            "sentences": len(keys),
            "with_team_concept": len(flagged),
            "share": _ratio(len(flagged), len(keys)),
            "by_concept": dict(sorted(wrong.items(), key=lambda kv: -kv[1])),
            "naming_an_actor": len(naming),
            "naming_an_actor_with_team_concept": len(naming_flagged),
            "naming_an_actor_share": _ratio(len(naming_flagged), len(naming)),
        }
    return {"sentences": len(chosen), "concepts": concepts, "unrelated": share}


def check_targets(result: dict) -> list[dict]:
    """The issue's targets on one result: {target, met (None: not measurable), figures}."""
    checks = []
    rows = {(r["concept_code"], r["language"]): r for r in result["concepts"]}
    for concept, name in HEADLINE.items():
        overall = rows.get((concept, "all"))
        if not overall or not overall["positives"]:
            checks.append((f"recall {name}", None, "no positive labels"))
            continue
        recall = overall["recall"]
        checks.append(
            (
                f"recall {name} >= {TARGETS['recall']}",
                recall >= TARGETS["recall"],
                f"{recall:.2f} ({overall['tp']}/{overall['positives']})",
            )
        )
        english = rows.get((concept, "en"))
        for language in ("fr", "es"):
            other = rows.get((concept, language))
            if not (english and other and english["positives"] and other["positives"]):
                n = other["positives"] if other else 0
                checks.append((f"{name}: {language} within 0.1 of en", None, f"{n} positives"))
                continue
            gap = english["recall"] - other["recall"]
            checks.append(
                (
                    f"{name}: {language} recall within {TARGETS['language_gap']} of en",
                    gap <= TARGETS["language_gap"] + 1e-9,
                    f"{language} {other['recall']:.2f} ({other['tp']}/{other['positives']}) "
                    f"vs en {english['recall']:.2f}",
                )
            )
    unrelated = result["unrelated"].get("all")
    if unrelated:
        checks.append(
            (
                f"unrelated sentences with a team concept <= {TARGETS['unrelated_share']:.0%}",
                unrelated["share"] <= TARGETS["unrelated_share"],
                f"{unrelated['share']:.1%} ({unrelated['with_team_concept']}/"
                f"{unrelated['sentences']})",
            )
        )
    return [{"target": w, "met": m, "figures": f} for w, m, f in checks]


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def print_report(report: dict) -> None:
    print(f"labels {report['labels_file']}  ({report['sentences']} evidence sentences)")
    print(
        f"reviews {report['reviews_file']} ({report['reviews_applied']} applied); "
        f"coded by {report['engine']}"
    )
    for part, result in report["results"].items():
        print(f"\n== {part}: {result['sentences']} sentences")
        print(
            f"{'concept':32} {'lang':4} {'pos':>4} {'neg':>4} {'tp':>4} {'fp':>4} "
            f"{'prec':>5} {'recall':>6}"
        )
        for row in result["concepts"]:
            if not (row["positives"] or row["fp"]):
                continue
            print(
                f"{row['concept_code']:32} {row['language']:4} {row['positives']:4} "
                f"{row['negatives']:4} {row['tp']:4} {row['fp']:4} {_fmt(row['precision']):>5} "
                f"{_fmt(row['recall']):>6}"
            )
        for language, u in result["unrelated"].items():
            wrong = ", ".join(f"{c} {n}" for c, n in u["by_concept"].items()) or "none"
            named = u["naming_an_actor_share"]
            print(
                f"unrelated {language:3}: {u['with_team_concept']}/{u['sentences']} "
                f"= {u['share']:.1%} with a team concept ({wrong}); of the "
                f"{u['naming_an_actor']} naming parents, teachers, communities or learners: "
                f"{u['naming_an_actor_with_team_concept']}"
                + (f" = {named:.1%}" if named is not None else "")
            )
        for target in result["targets"]:
            what, met, figures = target["target"], target["met"], target["figures"]
            mark = "n/a " if met is None else "MET " if met else "MISS"
            print(f"  [{mark}] {what}: {figures}")


def list_sentences(labels_path: Path, reviews_path: Path | None) -> None:
    """The sentences to review: hash, language, half, policies, current labels, sentence."""
    sentences = read_label_file(labels_path)
    team_concepts, _ = read_codebook_concepts()
    labels, unrelated = derive_labels(sentences, read_reviews(reviews_path), team_concepts)
    by_sentence = defaultdict(list)
    for (key, concept), (decision, source) in labels.items():
        if not (key in unrelated and decision == "no_match" and source == "derived"):
            by_sentence[key].append(f"{concept}={decision}({source})")
    print("sentence_hash\tlanguage\thalf\tpolicies\tlabels\tsentence")
    for key, s in sorted(sentences.items(), key=lambda kv: (kv[1].language or "", kv[0])):
        policies = ",".join(f"{p}={label}" for p, label in sorted(s.policies))
        own = ",".join(sorted(by_sentence[key])) + (",unrelated" if key in unrelated else "")
        print(f"{key}\t{s.language or ''}\t{s.half}\t{policies}\t{own.strip(',')}\t{s.text}")


def run(labels_path: Path, reviews_path: Path | None) -> dict:
    sentences = read_label_file(labels_path)
    reviews = read_reviews(reviews_path)
    team_concepts, model_team_kind = read_codebook_concepts()
    labels, unrelated = derive_labels(sentences, reviews, team_concepts)
    coded, engine = code_sentences(sentences)
    results = {}
    for part, half in (("all plans", None), ("half A", "A"), ("half B", "B")):
        result = evaluate(sentences, labels, unrelated, coded, team_concepts, model_team_kind, half)
        result["targets"] = check_targets(result)
        results[part] = result
    return {
        "labels_file": str(labels_path),
        "reviews_file": str(reviews_path) if reviews_path else None,
        "reviews_applied": sum(1 for k, _ in reviews if k in sentences),
        "engine": engine,
        "sentences": len(sentences),
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.code_eval",
        description="Precision and recall of the theme coding on third-party labelled plan text.",
    )
    parser.add_argument("labels", type=Path, help="CSV in the cgd_rag_labels format")
    parser.add_argument("--reviews", type=Path, default=DEFAULT_REVIEWS)
    parser.add_argument("--no-reviews", action="store_true", help="derived labels only")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--list",
        action="store_true",
        help="print every evidence sentence with its hash, language and derived labels "
        "(tab-separated, nothing coded) for a reviewer to read before any coding run",
    )
    args = parser.parse_args(argv)
    if args.list:
        list_sentences(args.labels, None if args.no_reviews else args.reviews)
        return 0
    report = run(args.labels, None if args.no_reviews else args.reviews)
    print_report(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten {args.json}")
    missed = [t for t in report["results"]["all plans"]["targets"] if t["met"] is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
