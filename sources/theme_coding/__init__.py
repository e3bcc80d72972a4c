"""Theme coding: texts coded against the learning-teams codebook (docs/theme_coding.md).

The rules live in the codebook seeds; `load_codebook` reads them, `code_texts` codes texts with
the fast engine (RE2 Set prefilter, exact extraction, process pool); `reference.code_texts` is
the plain Python `re` loop it must equal.
"""

from .codebook import Codebook, CodebookError, Rule, load_codebook, rule_id
from .engine import code_texts
from .output import COLUMNS, mention_id, text_hash

__all__ = [
    "COLUMNS",
    "Codebook",
    "CodebookError",
    "Rule",
    "code_texts",
    "load_codebook",
    "mention_id",
    "rule_id",
    "text_hash",
]
