"""A self-contained HTML data-quality report: every GE suite run against its warehouse table.

GE's own Data Docs (`expectations.data_docs`) load Bootstrap, Font Awesome, jQuery and Vega from
public CDNs, so offline they render unstyled and partly empty. This report is one HTML file with
inline CSS, no scripts and no external references: it renders the same with or without a network,
served or opened as a file. Per suite it shows the table, its row count and every expectation with
its rule (`meta.rule`), passed or failed, and for failures the unexpected count and examples.

It reads the published copy (`LT_PUBLISH_DIR/learning_teams.duckdb`) when there is one, never the
live file a run may be writing; only when nothing was published yet does it read the live file
(`LT_WAREHOUSE_PATH`). Either way every table is read into memory first and the file is closed
before validation starts.

    python -m expectations.report   # writes LT_DATA_DOCS_DIR/quality_report.html, prints its path
"""

from __future__ import annotations

import html
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations import runner

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_FILE_NAME = "learning_teams.duckdb"
REPORT_FILE_NAME = "quality_report.html"
MAX_EXAMPLES = 10
"""How many unexpected values each failed expectation shows."""


def _env_path(variable: str, default: str) -> Path:
    path = Path(os.environ.get(variable) or default).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def default_output_path() -> Path:
    return _env_path("LT_DATA_DOCS_DIR", "warehouse/data_docs") / REPORT_FILE_NAME


def warehouse_source() -> tuple[Path, str]:
    """(DuckDB file to read, "published" or "live"): the published copy when it exists."""
    published = _env_path("LT_PUBLISH_DIR", "warehouse/published") / WAREHOUSE_FILE_NAME
    if published.is_file():
        return published, "published"
    return _env_path("LT_WAREHOUSE_PATH", f"warehouse/{WAREHOUSE_FILE_NAME}"), "live"


# --------------------------------------------------------------------------- results


@dataclass
class ExpectationOutcome:
    """One expectation of a suite and how it fared (plain data)."""

    expectation_type: str
    columns: list[str]
    kwargs: dict[str, Any]
    rule: str
    success: bool
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    examples: list[Any] = field(default_factory=list)
    observed_value: Any = None
    exception: str | None = None


@dataclass
class SuiteReport:
    suite_name: str
    table: str
    description: str
    row_count: int | None  # None: the table is not in the warehouse
    success: bool | None
    expectations: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(not e.success for e in self.expectations)


_KWARGS_HIDDEN = {"column", "column_A", "column_B", "column_list", "result_format", "batch_id"}


def _outcome(result: Any) -> ExpectationOutcome:
    config = result.expectation_config
    kwargs = dict(config.kwargs)
    outcome = result.result or {}
    if "column" in kwargs:
        columns = [kwargs["column"]]
    elif "column_A" in kwargs:
        columns = [kwargs["column_A"], kwargs["column_B"]]
    else:
        columns = list(kwargs.get("column_list") or [])
    info = result.exception_info if isinstance(result.exception_info, dict) else {}
    messages = [info.get("exception_message")] if info.get("raised_exception") else []
    messages += [
        v.get("exception_message")
        for v in info.values()
        if isinstance(v, dict) and v.get("raised_exception")
    ]
    return ExpectationOutcome(
        expectation_type=config.type,
        columns=[str(c) for c in columns],
        kwargs={
            k: runner.to_jsonable(v)
            for k, v in kwargs.items()
            if k not in _KWARGS_HIDDEN and v is not None
        },
        rule=str((config.meta or {}).get("rule") or ""),
        success=bool(result.success),
        unexpected_count=runner.to_jsonable(outcome.get("unexpected_count")),
        unexpected_percent=runner.to_jsonable(outcome.get("unexpected_percent")),
        examples=runner.to_jsonable(list(outcome.get("partial_unexpected_list") or []))[
            :MAX_EXAMPLES
        ],
        observed_value=runner.to_jsonable(outcome.get("observed_value")),
        exception="; ".join(dict.fromkeys(str(m or "error") for m in messages)) or None,
    )


def read_tables(warehouse_path: Path, suites: list[str]) -> dict[str, pd.DataFrame | None]:
    """Suite name -> its table as a DataFrame (None when the table does not exist).

    The file is opened read-only, read in full and closed before anything is validated.
    """
    import duckdb

    warehouse_path = Path(warehouse_path)
    if not warehouse_path.is_file():
        raise FileNotFoundError(
            f"warehouse file not found: {warehouse_path} (run `make run` to build it)"
        )
    try:
        con = duckdb.connect(str(warehouse_path), read_only=True)
    except duckdb.IOException as error:
        raise RuntimeError(
            f"cannot read {warehouse_path}: {error}. A pipeline run holds it; wait for the run "
            "to publish a copy (LT_PUBLISH_DIR), which this report reads instead."
        ) from error
    try:
        existing = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "UNION ALL SELECT schema_name, view_name FROM duckdb_views()"
            ).fetchall()
        }
        frames: dict[str, pd.DataFrame | None] = {}
        for name in suites:
            table = runner.suite_table(name)
            frames[name] = runner.read_table(con, table) if table in existing else None
        return frames
    finally:
        con.close()


def validate_frames(frames: dict[str, pd.DataFrame | None]) -> list[SuiteReport]:
    """Run each suite on its DataFrame in one ephemeral GE context (no files, no network)."""
    import great_expectations as gx

    context = runner.quiet_context(gx.get_context(mode="ephemeral"))
    asset = context.data_sources.add_pandas("quality_report").add_dataframe_asset("dataframe")
    batch_definition = asset.add_batch_definition_whole_dataframe("whole_dataframe")
    reports = []
    for name, frame in frames.items():
        table, description = runner.suite_table(name), runner.suite_description(name)
        if frame is None:
            log.warning("quality report: table %s of suite %s not found", table, name)
            reports.append(SuiteReport(name, table, description, None, None))
            continue
        batch = batch_definition.get_batch(
            batch_parameters={"dataframe": runner.add_derived_columns(name, frame)}
        )
        validation = batch.validate(runner.load_suite(name), result_format="SUMMARY")
        outcomes = [_outcome(r) for r in validation.results]
        outcomes.sort(key=lambda o: o.success)  # failures first, otherwise suite order
        reports.append(
            SuiteReport(name, table, description, len(frame), bool(validation.success), outcomes)
        )
    return reports


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1f2933;background:#f5f7fa}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:0 0 4px}
.meta{color:#52606d;margin:0 0 16px}
section{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:16px;margin:16px 0}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #e4e7eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f4f8;font-weight:600}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-word}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:13px;font-weight:600}
.passed{background:#e3f9e5;color:#1f6f2b}.failed{background:#ffe3e3;color:#a61b1b}
.missing{background:#fff3c4;color:#7c5e10}
tr.fail td{background:#fff5f5}
ul.examples{margin:4px 0 0;padding-left:18px}
td.cols code{word-break:normal;white-space:nowrap}
a{color:#2360a5}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _json(value: Any) -> str:
    return _e(json.dumps(value, ensure_ascii=False))


def _badge(success: bool | None) -> str:
    if success is None:
        return '<span class="badge missing">table missing</span>'
    return f'<span class="badge {"passed" if success else "failed"}">' + (
        "passed</span>" if success else "failed</span>"
    )


def _expectation_row(o: ExpectationOutcome) -> str:
    target = ", ".join(o.columns) if o.columns else "(table)"
    args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in o.kwargs.items())
    detail = []
    if o.exception:
        detail.append(f"error: {_e(o.exception)}")
    if o.unexpected_count is not None:
        text = f"{_e(o.unexpected_count)} unexpected"
        if o.unexpected_percent is not None:
            text += f" ({o.unexpected_percent:.2f}%)"
        detail.append(text)
    if o.examples:
        items = "".join(f"<li><code>{_json(v)}</code></li>" for v in o.examples)
        detail.append(f'examples:<ul class="examples">{items}</ul>')
    if o.observed_value is not None and o.unexpected_count is None:
        detail.append(f"observed <code>{_json(o.observed_value)}</code>")
    return (
        f'<tr class="{"pass" if o.success else "fail"}"><td>{_badge(o.success)}</td>'
        f"<td>{_e(o.rule)}</td><td><code>{_e(o.expectation_type)}</code>"
        f'<br><code>{_e(args)}</code></td><td class="cols"><code>{_e(target)}</code></td>'
        f"<td>{'<br>'.join(detail)}</td></tr>"
    )


def _suite_section(s: SuiteReport) -> str:
    head = (
        f'<section id="{_e(s.suite_name)}"><h2>{_e(s.suite_name)} {_badge(s.success)}</h2>'
        f'<p class="meta"><code>{_e(s.table)}</code>'
    )
    if s.row_count is None:
        return head + " is not in the warehouse; the suite was not run.</p></section>"
    met = len(s.expectations) - s.failed
    rows = "".join(_expectation_row(o) for o in s.expectations)
    return (
        f"{head}: {s.row_count} rows; {met} of {len(s.expectations)} expectations met. "
        f"{_e(s.description)}</p><table><thead><tr><th>outcome</th><th>rule</th>"
        f"<th>expectation</th><th>columns</th><th>details</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _summary_row(s: SuiteReport) -> str:
    rows, met = "", ""
    if s.row_count is not None:
        rows, met = str(s.row_count), f"{len(s.expectations) - s.failed} / {len(s.expectations)}"
    return (
        f'<tr class="{"fail" if s.success is False else "pass"}">'
        f'<td><a href="#{_e(s.suite_name)}">{_e(s.suite_name)}</a></td>'
        f"<td><code>{_e(s.table)}</code></td><td>{rows}</td><td>{met}</td>"
        f"<td>{_badge(s.success)}</td></tr>"
    )


def render_html(
    reports: list[SuiteReport], source: Path, source_kind: str, generated_at: datetime
) -> str:
    """The whole report as one HTML document (inline CSS; no scripts, no external URLs)."""
    summary_rows = "".join(_summary_row(s) for s in reports)
    failed = sum(s.success is False for s in reports)
    verdict = f"{failed} of {len(reports)} suites failed" if failed else "All suites passed"
    missing = sum(s.success is None for s in reports)
    if missing:
        verdict += f"; {missing} table(s) missing"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>Data quality report: {_e(verdict)}</title><style>{_CSS}</style></head>"
        f"<body><main><h1>Data quality report</h1>"
        f'<p class="meta">{_e(verdict)}. Great Expectations suites run on the {_e(source_kind)} '
        f"warehouse <code>{_e(source)}</code> at "
        f"{_e(generated_at.strftime('%Y-%m-%d %H:%M:%S UTC'))}.</p>"
        f"<section><table><thead><tr><th>suite</th><th>table</th><th>rows</th>"
        f"<th>expectations met</th><th>outcome</th></tr></thead><tbody>{summary_rows}"
        f"</tbody></table></section>"
        + "".join(_suite_section(s) for s in reports)
        + "</main></body></html>\n"
    )


def build_report(
    warehouse_path: Path | None = None,
    output_path: Path | None = None,
    suites: list[str] | None = None,
) -> Path:
    """Validate every suite (or `suites`) and write the HTML report; returns its path.

    `warehouse_path` defaults to `warehouse_source()` (the published copy when it exists),
    `output_path` to `LT_DATA_DOCS_DIR/quality_report.html`.
    """
    if warehouse_path is None:
        warehouse_path, kind = warehouse_source()
    else:
        kind = "given"
    output_path = Path(output_path) if output_path is not None else default_output_path()
    names = suites if suites is not None else runner.list_suites()
    reports = validate_frames(read_tables(Path(warehouse_path), names))
    document = render_html(reports, Path(warehouse_path), kind, datetime.now(UTC))
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(f".{output_path.name}.tmp")
    tmp.write_text(document, encoding="utf-8")
    tmp.replace(output_path)
    return output_path


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    print(build_report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
