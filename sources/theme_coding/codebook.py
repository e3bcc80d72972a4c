"""The codebook rules as the engine runs them, loaded from the seeds (the one place they live).

Seeds in `dbt_project/seeds/codebook/` (docs/theme_coding.md): phrase rules
(`codebook_patterns.csv`), proximity rules (`codebook_proximity_rules.csv`: term_a within
max_words words of term_b, either order) and exclusions (`codebook_pattern_exclusions.csv`).
Each becomes one regular expression *body* (no word boundaries: the engines add them) written in
a small neutral dialect that `render()` turns into Python `re` or RE2 syntax:

- a space matches one or more spaces; `[- ]` matches a hyphen or spaces;
- `\\w` is a word character: any Unicode letter or digit, or `_` (RE2's own `\\w` is ASCII);
- a pattern with an upper-case letter outside escapes is case-sensitive (acronyms such as COGES);
  otherwise it runs on the lower-cased text.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .normalise import strip_pattern

# Bump when the engine's semantics change: the codebook version changes, so everything is recoded.
ENGINE_SEMANTICS = "theme-coding-engine/2"

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "codebook"
PATTERNS_FILE = "codebook_patterns.csv"
PROXIMITY_FILE = "codebook_proximity_rules.csv"
EXCLUSIONS_FILE = "codebook_pattern_exclusions.csv"
RULE_FILES = (PATTERNS_FILE, PROXIMITY_FILE, EXCLUSIONS_FILE)
LANGUAGES = ("en", "fr", "es", "pt")

# words between the two terms of a proximity rule: never across sentence punctuation
SENTENCE_BREAKS = ".!?;"

# placeholders of the neutral dialect
_WORD = "\x00W\x00"  # a word character, as a class member
_NON_WORD = "\x00N\x00"  # a non-word character, as a whole class
_ASCII_B = "\x00B\x00"  # a pattern's own \b (ASCII in both engines)


class CodebookError(ValueError):
    """A rule file or rule that cannot be used, with the file, row and reason."""


@dataclass(frozen=True)
class Rule:
    """One rule as it runs. `kind` is pattern, proximity or exclusion."""

    rule_id: str
    kind: str
    concept_type: str
    concept_code: str
    language: str
    text: str  # the seed's pattern, or term_a|term_b|max_words
    body: str  # neutral-dialect regular expression, no outer boundaries
    case_sensitive: bool
    source: str  # file:line, for messages

    @property
    def is_exclusion(self) -> bool:
        return self.kind == "exclusion"


@dataclass
class Codebook:
    """Every rule, in seed order; `version` changes with any rule file or the engine semantics."""

    rules: list[Rule]
    version: str
    seeds_dir: Path | None = None
    _compiled: dict = field(default_factory=dict, repr=False, compare=False)

    def rules_for(self, language: str | None) -> list[int]:
        """Indexes of the rules that apply to a text of `language` (None: every language)."""
        key = ("lang", language)
        if key not in self._compiled:
            self._compiled[key] = [
                i for i, r in enumerate(self.rules) if language is None or r.language == language
            ]
        return self._compiled[key]


def rule_id(concept_type: str, concept_code: str, language: str, rule_text: str) -> str:
    """12 hex digits of md5(concept_type|concept_code|language|rule text) (the contract)."""
    key = f"{concept_type}|{concept_code}|{language}|{rule_text}"
    return hashlib.md5(key.encode("utf-8")).hexdigest()[:12]


def _has_upper_outside_escapes(pattern: str) -> bool:
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            if i - 1 < len(pattern) and pattern[i - 1] in "pP" and pattern[i : i + 1] == "{":
                i = pattern.index("}", i) + 1 if "}" in pattern[i:] else len(pattern)
            continue
        if pattern[i].isupper():
            return True
        i += 1
    return False


def to_neutral(pattern: str, where: str) -> str:
    """A seed pattern as a neutral-dialect body: accents stripped, spaces and `\\w` rewritten."""
    if not pattern or not pattern.strip():
        raise CodebookError(f"{where}: empty pattern")
    text = strip_pattern(pattern).replace("[- ]", "\x00HS\x00")
    out: list[str] = []
    i, in_class = 0, False
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text):
                raise CodebookError(f"{where}: pattern ends with a backslash: {pattern!r}")
            nxt = text[i + 1]
            if nxt == "w":
                out.append(_WORD if in_class else "[" + _WORD + "]")
            elif nxt == "W":
                if in_class:
                    raise CodebookError(f"{where}: \\W inside [...] is not supported: {pattern!r}")
                out.append(_NON_WORD)
            elif nxt == "b":
                if in_class:
                    raise CodebookError(f"{where}: \\b inside [...]: {pattern!r}")
                out.append(_ASCII_B)
            else:
                out.append(c + nxt)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class and not (out and out[-1] == "["):
            in_class = False
        elif c == " ":
            if in_class:
                raise CodebookError(f"{where}: a space inside [...] (write [- ]): {pattern!r}")
            out.append("(?: +)")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out).replace("\x00HS\x00", "(?:-| +)")


def render(body: str, dialect: str) -> str:
    """A neutral body in `python` (`re`, Unicode \\w) or `re2` syntax."""
    if dialect == "python":
        return body.replace(_WORD, r"\w").replace(_NON_WORD, r"\W").replace(_ASCII_B, r"(?a:\b)")
    if dialect == "re2":
        return (
            body.replace(_WORD, r"\pL\pN_")
            .replace(_NON_WORD, r"[^\pL\pN_]")
            .replace(_ASCII_B, r"\b")
        )
    raise ValueError(dialect)


def _case_sensitive(pattern: str) -> bool:
    return _has_upper_outside_escapes(strip_pattern(pattern))


def _proximity_body(a: str, b: str, max_words: int, where: str) -> str:
    """term_a, then at most `max_words` words, then term_b, or the same with b first (the nearest
    second term wins); the words between are separated by anything but sentence punctuation.
    When one term is case-sensitive the rule runs on the case-kept text and the other term
    ignores case there."""
    sep = f"[^{_WORD}{SENTENCE_BREAKS}]+"
    gap = f"(?:{sep}[{_WORD}]+){{0,{max_words}}}?{sep}"
    any_cs = _case_sensitive(a) or _case_sensitive(b)

    def term(t: str) -> str:
        body = to_neutral(t, where)
        return f"(?i:{body})" if any_cs and not _case_sensitive(t) else f"(?:{body})"

    ta, tb = term(a), term(b)
    return f"{ta}{gap}{tb}|{tb}{gap}{ta}"


def _read(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise CodebookError(f"{path}: missing column(s) {', '.join(missing)}")
        return [(n, row) for n, row in enumerate(reader, start=2)]


def _clean(row: dict, columns: tuple[str, ...], where: str) -> list[str]:
    values = [(row.get(c) or "").strip() for c in columns]
    for c, v in zip(columns, values, strict=True):
        if not v:
            raise CodebookError(f"{where}: empty {c}")
    return values


def load_codebook(seeds_dir: str | Path | None = None) -> Codebook:
    """Load the rule seeds (proximity rules are optional). `seeds_dir` defaults to
    `LT_CODEBOOK_SEEDS_DIR` or this checkout's `dbt_project/seeds/codebook`."""
    seeds = Path(seeds_dir or os.environ.get("LT_CODEBOOK_SEEDS_DIR") or DEFAULT_SEEDS_DIR)
    tables: dict[str, list[tuple[str, dict]]] = {}
    for name in RULE_FILES:
        path = seeds / name
        if not path.exists():
            if name == PROXIMITY_FILE:
                continue
            raise CodebookError(f"{path}: rule file not found")
        tables[name] = [(f"{path}:{line}", row) for line, row in _read(path, _columns(name))]
    codebook = codebook_from_rows(tables)
    codebook.seeds_dir = seeds
    return codebook


def _columns(name: str) -> tuple[str, ...]:
    key_cols = ("concept_type", "concept_code", "language")
    if name == PROXIMITY_FILE:
        return (*key_cols, "term_a", "term_b", "max_words")
    return (*key_cols, "pattern")


def codebook_from_rows(tables: dict[str, list[tuple[str, dict]]]) -> Codebook:
    """The codebook from rule rows keyed by seed file name (`codebook_patterns.csv`...), each
    row with where it comes from (for messages). The dbt model passes the seed tables' rows,
    the command line the CSV files' rows: the same rows give the same rules and version."""
    digest = hashlib.sha256(ENGINE_SEMANTICS.encode())
    rules: list[Rule] = []
    for name in RULE_FILES:
        cols = _columns(name)
        for where, row in tables.get(name, []):
            values = _clean(
                {c: "" if row.get(c) is None else str(row.get(c)) for c in cols}, cols, where
            )
            digest.update(("\x1e" + name + "\x1f" + "\x1f".join(values)).encode("utf-8"))
            ctype, code, lang, *rest = values
            lang = lang.lower()
            if name == PROXIMITY_FILE:
                a, b, n = rest
                if not n.isdigit():
                    raise CodebookError(f"{where}: max_words must be a whole number, not {n!r}")
                text = f"{a}|{b}|{int(n)}"
                body = _proximity_body(a, b, int(n), where)
                cs = _case_sensitive(a) or _case_sensitive(b)
                kind = "proximity"
            else:
                (text,) = rest
                body = to_neutral(text, where)
                cs = _case_sensitive(text)
                kind = "exclusion" if name == EXCLUSIONS_FILE else "pattern"
            rules.append(
                Rule(
                    rule_id(ctype, code, lang, text), kind, ctype, code, lang, text, body, cs, where
                )
            )
    return Codebook(rules=rules, version=digest.hexdigest()[:16])
