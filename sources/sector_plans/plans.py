"""One plan (a plan page and its documents, keyed `<ISO3>/<slug>`) loaded write-audit-publish.

`load_plan` fetches, stores and extracts every document of the plan into temp staging tables,
hands the staged pages to `audit` (the blocking GE suite `raw_sector_plan_pages`, generated from
`PAGE_RULES`) and only then publishes, in one transaction, the pages and file rows of the
documents that could be used, together with the quarantine rows of those that could not. A
failed audit publishes nothing of the plan. Other plans are never touched.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..http_client import PoliteClient
from .catalogue import DEFAULT_SEEDS_DIR
from .config import PlanipolisSettings
from .documents import (
    STAGED_PAGES,
    DocumentRun,
    publish_staged,
    stage_document,
    start_staging,
)
from .failures import Failure, insert_failures
from .raw_schema import DOCUMENTS_TABLE, ensure_raw_schema

FOCUS_COUNTRIES_FILE = DEFAULT_SEEDS_DIR / "focus_countries.csv"

PAGE_RULES: tuple[dict[str, Any], ...] = (
    {
        "rule": "every page names its document",
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "doc_id"},
    },
    {
        "rule": "page numbers start at 1",
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "page_no", "min_value": 1},
    },
    {
        "rule": "a page appears once per document",
        "type": "expect_compound_columns_to_be_unique",
        "kwargs": {"column_list": ["doc_id", "page_no"]},
    },
    {
        "rule": "text is never null (a page without text has '')",
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "text"},
    },
    {
        "rule": "char_count (characters of the stripped text) is never negative",
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "char_count", "min_value": 0},
    },
    {
        "rule": "has_text is true exactly when the page has characters",
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "has_text_agrees", "value_set": [True]},
        "derived": ("has_text_agrees", "has_text == (char_count > 0)"),
    },
    {
        "rule": "the document hash is a SHA-256",
        "type": "expect_column_values_to_match_regex",
        "kwargs": {"column": "document_sha256", "regex": "^[0-9a-f]{64}$"},
    },
    {
        "rule": "a published plan has at least one page",
        "type": "expect_table_row_count_to_be_between",
        "kwargs": {"min_value": 1},
    },
)
"""The rules a plan's pages must meet before they are published (kept here once; the GE suite
`raw_sector_plan_pages` is generated from them by `expectations/sector_plans_suite.py`)."""

LOADED = "loaded"
PARTIALLY_LOADED = "partially_loaded"
FAILED = "failed"
FAILED_AUDIT = "failed_audit"


@dataclass(frozen=True)
class PlanAudit:
    passed: bool
    check_name: str
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


Audit = Callable[[Any], PlanAudit]
"""Called with a pandas DataFrame of the pages about to be published (raw.sector_plan_pages
shape); says whether they may be published."""


@dataclass
class PlanLoad:
    plan_key: str
    doc_ids: list[str]
    published: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    run: DocumentRun = field(default_factory=DocumentRun)
    audit: PlanAudit | None = None

    @property
    def status(self) -> str:
        if self.audit is not None and not self.audit.passed:
            return FAILED_AUDIT
        if not self.published:
            return FAILED
        return PARTIALLY_LOADED if self.failures else LOADED

    def summary(self) -> str:
        if self.status == FAILED_AUDIT:
            return (
                f"{self.plan_key}: failed the {self.audit.check_name} audit, nothing published: "
                f"{self.audit.description}"
            )
        text = (
            f"{self.plan_key}: {len(self.published)} of {len(self.doc_ids)} document(s) "
            f"published ({self.run.pages} pages, {self.run.pages_without_text} without text)"
        )
        if self.failures:
            text += "; quarantined: " + "; ".join(f.reason for f in self.failures)
        return text


def focus_countries(path: Path | str = FOCUS_COUNTRIES_FILE) -> list[str]:
    """ISO3 codes of the focus countries (seed `focus_countries.csv`)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return sorted(row["country_code"].strip() for row in csv.DictReader(handle))


def list_plans(
    con: duckdb.DuckDBPyConnection, countries: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Plans of the catalogue (all, or of `countries`): plan_key -> country, title, number of
    documents and `version` (md5 of its doc_ids and URLs: it changes when a document is added,
    removed or moved)."""
    ensure_raw_schema(con)
    where = "WHERE plan_key IS NOT NULL"
    params: list = []
    if countries is not None:
        where += " AND len(list_intersect(country_codes, ?)) > 0"
        params.append(list(countries))
    rows = con.execute(
        f"""SELECT plan_key, any_value(country_code), min(title), count(*),
            md5(string_agg(doc_id || ' ' || document_url, '|' ORDER BY doc_id))
        FROM {DOCUMENTS_TABLE} {where} GROUP BY plan_key ORDER BY plan_key""",
        params,
    ).fetchall()
    return {
        key: {"country_code": country, "title": title, "documents": documents, "version": version}
        for key, country, title, documents, version in rows
    }


def plan_documents(con: duckdb.DuckDBPyConnection, plan_key: str) -> list[tuple[str, str]]:
    """(doc_id, document_url) of every document of the plan."""
    ensure_raw_schema(con)
    return con.execute(
        f"SELECT doc_id, document_url FROM {DOCUMENTS_TABLE} WHERE plan_key = ? ORDER BY doc_id",
        [plan_key],
    ).fetchall()


def load_plan(
    con: duckdb.DuckDBPyConnection,
    client: PoliteClient,
    store_dir: Path | str,
    plan_key: str,
    settings: PlanipolisSettings | None = None,
    audit: Audit | None = None,
) -> PlanLoad:
    """Write (stage), audit, publish one plan (see the module docstring)."""
    settings = settings or PlanipolisSettings.from_env()
    documents = plan_documents(con, plan_key)
    if not documents:
        raise KeyError(f"plan {plan_key} is not in {DOCUMENTS_TABLE}: load the catalogue first")
    result = PlanLoad(plan_key, [doc_id for doc_id, _ in documents])
    start_staging(con)
    fetched: dict = {}
    for doc_id, document_url in documents:
        result.run.documents += 1
        failure = stage_document(
            con, client, store_dir, settings, doc_id, document_url, fetched, result.run
        )
        if failure is not None:
            result.failures.append(failure)
    staged = con.execute(f"SELECT * FROM {STAGED_PAGES} ORDER BY doc_id, page_no").df()
    if audit is not None and len(staged):
        result.audit = audit(staged)
        if not result.audit.passed:
            return result
    con.execute("BEGIN TRANSACTION")
    try:
        result.published = publish_staged(con)
        insert_failures(con, result.failures)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return result
