"""The fast engine: RE2's `Set` says which rules occur in a text, then only those are extracted.

Per text: normalise once; one `Set.Match` over the lower-cased text (case-sensitive rules take
part there as case-insensitive prefilters); exact extraction, with Unicode word boundaries
written as classes (`[^\\pL\\pN_](rule)[^\\pL\\pN_]` on the text padded with a space each side,
restarting each search at the last character of the previous match, so matches are exactly
those of `(?<!\\w)rule(?!\\w)` with `finditer`); then the drops. Large batches are split over a
process pool: it uses both cores whether or not google-re2 releases the GIL (the per-text
Python work around each match - normalising, offsets, drops, rows - holds it anyway).
Output equals reference.py's, row for row.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import multiprocessing
import os
from collections import defaultdict

import re2

from .codebook import Codebook, render
from .normalise import nfc, normalise, normalise_keep_case
from .output import context, frame, language_of, mention_id, text_hash

_UNANCHORED = re2._Anchor.UNANCHORED
_NO_MATCH = (-1, -1)
_BOUNDARY = r"[^\pL\pN_]"
_SET_MAX_MEM = 1 << 30
PARALLEL_MIN_TEXTS = 2000
CHUNK_TEXTS = 500


class CompiledCodebook:
    """A codebook's RE2 programs: one Set per language (and one for texts of unknown language),
    one extractor per rule."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self.rules = codebook.rules
        options = re2.Options()
        options.max_mem = _SET_MAX_MEM
        self._options = options
        self._extractors: list = [None] * len(self.rules)  # compiled when a text first needs one
        self.sets: dict[str | None, tuple[object, list[int]]] = {}
        for language in [None, *sorted({r.language for r in self.rules})]:
            indexes = codebook.rules_for(language)
            rule_set = re2.Set.SearchSet(options)
            for i in indexes:
                body = render(self.rules[i].body, "re2")
                rule_set.Add(f"(?i:{body})" if self.rules[i].case_sensitive else body)
            rule_set.Compile()
            self.sets[language] = (rule_set._set, indexes)

    def extractor(self, i: int):
        """The RE2 program extracting rule `i` with its word boundaries (compiled once)."""
        found = self._extractors[i]
        if found is None:
            body = _BOUNDARY + "(" + render(self.rules[i].body, "re2") + ")" + _BOUNDARY
            found = self._extractors[i] = re2.compile(body, self._options)._regexp
        return found

    def matches(self, text: str, language: str | None) -> list[tuple[int, int, int]]:
        """(rule index, start, end) in characters of every whole-word match, sorted."""
        entry = self.sets.get(language)
        if entry is None:
            return []
        rule_set, indexes = entry
        lower = normalise(text)
        encoded = lower.encode("utf-8")
        hits = rule_set.Match(encoded)
        if not hits:
            return []
        buffers: dict[bool, tuple[bytes, bool]] = {False: (b" " + encoded + b" ", lower.isascii())}
        found = []
        for h in hits:
            i = indexes[h]
            case_sensitive = self.rules[i].case_sensitive
            if case_sensitive not in buffers:
                cased = normalise_keep_case(text)
                buffers[True] = (b" " + cased.encode("utf-8") + b" ", cased.isascii())
            buffer, ascii_only = buffers[case_sensitive]
            match, end, pos = self.extractor(i).Match, len(buffer), 0
            while True:
                spans = match(_UNANCHORED, buffer, pos, end)
                if spans[0] == _NO_MATCH:
                    break
                s, e = spans[1]
                if ascii_only:
                    found.append((i, s - 1, e - 1))
                else:
                    found.append((i, _chars(buffer, s), _chars(buffer, e)))
                pos = e - 1
                while buffer[pos] & 0xC0 == 0x80:  # back to the first byte of the last character
                    pos -= 1
        found.sort(key=lambda m: (m[1], m[2], m[0]))
        return found

    def kept(self, found, with_dropped: bool = False):
        """(match, dropped_by) for each non-exclusion match: exclusions, then longer matches."""
        rules = self.rules
        exclusions = defaultdict(list)
        for i, s, e in found:
            r = rules[i]
            if r.is_exclusion:
                exclusions[(r.concept_type, r.concept_code, r.language)].append((s, e, r.rule_id))
        survivors, out = [], []
        for m in found:
            r = rules[m[0]]
            if r.is_exclusion:
                continue
            dropped = None
            for s, e, rid in exclusions.get((r.concept_type, r.concept_code, r.language), ()):
                if s < m[2] and m[1] < e:
                    dropped = rid
                    break
            out.append([m, dropped])
            if dropped is None and r.kind == "pattern":
                survivors.append(m)
        by_type = defaultdict(list)
        for m in survivors:
            by_type[rules[m[0]].concept_type].append(m)
        longest_first = {}
        for concept_type, group in by_type.items():
            if len({rules[m[0]].concept_code for m in group}) > 1:
                longest_first[concept_type] = sorted(group, key=lambda m: (m[1] - m[2], m[1], m[0]))
        if longest_first:
            for item in out:
                (i, start, end), dropped = item
                r = rules[i]
                if (
                    dropped is not None
                    or r.kind != "pattern"
                    or r.concept_type not in longest_first
                ):
                    continue
                for j, s, e in longest_first[r.concept_type]:
                    if e - s <= end - start:
                        break
                    if s <= start and e >= end and rules[j].concept_code != r.concept_code:
                        item[1] = "longer:" + rules[j].rule_id
                        break
        return out if with_dropped else [item for item in out if item[1] is None]


def _chars(buffer: bytes, byte_offset: int) -> int:
    """Character offset in the unpadded text of a byte offset in the padded buffer."""
    return len(buffer[1:byte_offset].decode("utf-8"))


_COMPILED: dict[str, CompiledCodebook] = {}


def compiled(codebook: Codebook) -> CompiledCodebook:
    """The compiled programs of `codebook`, cached per codebook version in this process."""
    found = _COMPILED.get(codebook.version)
    if found is None or found.codebook is not codebook and found.codebook.rules != codebook.rules:
        found = _COMPILED[codebook.version] = CompiledCodebook(codebook)
    return found


def _code_chunk(codebook: Codebook, positions, texts, languages, with_dropped: bool) -> list:
    engine = compiled(codebook)
    rows = []
    for position, raw, lang in zip(positions, texts, languages, strict=True):
        if raw is None or (isinstance(raw, float) and raw != raw):
            continue
        text, language = nfc(str(raw)), language_of(lang)
        found = engine.matches(text, language)
        if not found:
            continue
        digest = text_hash(text)
        for (i, start, end), dropped in engine.kept(found, with_dropped):
            rule = engine.rules[i]
            length = end - start
            row = (
                position,
                language,
                rule.concept_type,
                rule.concept_code,
                rule.language,
                rule.rule_id,
                rule.kind,
                text[start:end],
                start,
                length,
                context(text, start, end),
                digest,
                mention_id(digest, rule.concept_code, start, length),
            )
            rows.append(row + ((dropped,) if with_dropped else ()))
    return rows


_POOL_CODEBOOK: Codebook | None = None


def _init_worker(codebook: Codebook) -> None:
    global _POOL_CODEBOOK
    _POOL_CODEBOOK = codebook
    compiled(codebook)


def _pool_chunk(args):
    return _code_chunk(_POOL_CODEBOOK, *args)


_POOLS: dict[tuple[str, int], concurrent.futures.ProcessPoolExecutor] = {}


def _pool(codebook: Codebook, workers: int) -> concurrent.futures.ProcessPoolExecutor:
    key = (codebook.version, workers)
    if key not in _POOLS:
        for old in list(_POOLS):
            _POOLS.pop(old).shutdown(wait=False, cancel_futures=True)
        _POOLS[key] = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(codebook,),
        )
    return _POOLS[key]


@atexit.register
def shutdown_pools() -> None:
    """Stop the worker processes (also called at exit)."""
    for key in list(_POOLS):
        _POOLS.pop(key).shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    """`LT_THEME_CODING_WORKERS`, else the number of CPUs this process may use."""
    value = os.environ.get("LT_THEME_CODING_WORKERS", "").strip()
    if value:
        return max(1, int(value))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def code_texts(
    codebook: Codebook,
    ids,
    texts,
    languages=None,
    with_dropped: bool = False,
    workers: int | None = None,
):
    """Mentions of every text as a pandas DataFrame (columns of output.COLUMNS), in input order
    then position. Batches of at least PARALLEL_MIN_TEXTS texts use `workers` processes."""
    ids, texts = list(ids), list(texts)
    languages = [None] * len(texts) if languages is None else list(languages)
    if len(languages) != len(texts) or len(ids) != len(texts):
        raise ValueError("ids, texts and languages must have the same length")
    workers = default_workers() if workers is None else workers
    positions = range(len(texts))
    if workers <= 1 or len(texts) < PARALLEL_MIN_TEXTS:
        rows = _code_chunk(codebook, positions, texts, languages, with_dropped)
    else:
        chunks = [
            (
                positions[k : k + CHUNK_TEXTS],
                texts[k : k + CHUNK_TEXTS],
                languages[k : k + CHUNK_TEXTS],
                with_dropped,
            )
            for k in range(0, len(texts), CHUNK_TEXTS)
        ]
        rows = []
        for part in _pool(codebook, workers).map(_pool_chunk, chunks):
            rows.extend(part)
    rows = [(ids[row[0]], *row[1:]) for row in rows]
    return frame(rows, with_dropped)
