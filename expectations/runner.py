"""Run the versioned Great Expectations suites in `expectations/suites/` against pandas DataFrames.

Each suite is one JSON file in GE's own serialisation (`ExpectationSuite.to_json_dict()`); its
`meta` names the DuckDB table it validates (`"table"`), says what it checks (`"description"`)
and may define `"derived_columns"`: `{name: pandas expression}` computed on the DataFrame before
validation, for rules GE cannot state directly (e.g. "programme_count = sum of the kind counts").

GE's SQL datasource does not work over duckdb-engine, so tables are read from DuckDB into pandas
(`read_table`) and validated through an in-memory (ephemeral) GE context. Great Expectations is
imported lazily: importing this module is cheap, the first validation costs a few seconds.
Validating writes no files and needs no network.
"""

from __future__ import annotations

import json
import math
import os
import threading
import warnings
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Telemetry off before GE is ever imported (callers may still override it in the environment).
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

if TYPE_CHECKING:
    import duckdb
    import great_expectations as gx
    import pandas as pd

SUITES_DIR = Path(__file__).resolve().parent / "suites"
"""Folder of the versioned suite JSON files, one `<suite name>.json` per suite."""


def suites_dir() -> Path:
    """The suites in use: LT_EXPECTATIONS_DIR when set (e.g. a stricter set), else SUITES_DIR."""
    configured = os.environ.get("LT_EXPECTATIONS_DIR")
    return Path(configured) if configured else SUITES_DIR


MAX_UNEXPECTED_VALUES = 5
"""How many unexpected values each failure reports."""

_DATASOURCE = "learning_teams_dataframes"
_ASSET = "dataframe"
_BATCH_DEFINITION = "whole_dataframe"
_lock = threading.Lock()


# --------------------------------------------------------------------------- suites


def _audit_only_suites() -> dict[str, Any]:
    """Suites generated from code and run only inline by an ingest step on the rows it is about
    to publish, not on the published copy (so not in `list_suites()`): the sector-plan pages and
    World Bank values audits. (The programme-records delivery audit builds its suites per
    delivery, from the raw table it publishes to: `expectations/programme_records_audit.py`.)"""
    from .sector_plans_suite import SUITE_NAME, raw_sector_plan_pages_suite
    from .worldbank_suite import SUITE_NAME as WORLDBANK_SUITE
    from .worldbank_suite import raw_worldbank_values_suite

    return {SUITE_NAME: raw_sector_plan_pages_suite, WORLDBANK_SUITE: raw_worldbank_values_suite}


def list_suites() -> list[str]:
    """Names of the suites run on the published copy (the JSON file names without `.json`)."""
    return sorted(p.stem for p in suites_dir().glob("*.json"))


def suite_path(name: str) -> Path:
    path = suites_dir() / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"unknown expectation suite {name!r}; known suites: {list_suites()}")
    return path


def suite_dict(name: str) -> dict[str, Any]:
    """The suite's JSON as a fresh dict (read on every call: the files are small, and edits are
    picked up without restarting a long-running process). A JSON file in the suites folder
    overrides a generated suite of the same name."""
    path = suites_dir() / f"{name}.json"
    generated = _audit_only_suites()
    if name in generated and not path.is_file():
        return generated[name]()
    return json.loads(suite_path(name).read_text(encoding="utf-8"))


def suite_table(name: str) -> str:
    """The DuckDB table (`schema.table`) the suite validates, from its meta."""
    table = suite_dict(name).get("meta", {}).get("table")
    if not table:
        raise ValueError(f"suite {name!r} does not name its table in meta.table")
    return table


def suite_description(name: str) -> str:
    return suite_dict(name).get("meta", {}).get("description", "")


def derived_columns(name: str) -> dict[str, str]:
    """`meta.derived_columns` of the suite: column name -> pandas expression."""
    return dict(suite_dict(name).get("meta", {}).get("derived_columns", {}))


def load_suite(name: str) -> gx.ExpectationSuite:
    """Build a fresh `gx.ExpectationSuite` from the suite's JSON file.

    GE drops an expectation it cannot parse with only a log message; here that is an error, so a
    typo in a suite file cannot silently weaken the checks.
    """
    import great_expectations as gx

    data = suite_dict(name)
    if data.get("name") != name:
        raise ValueError(f"suite file {name}.json is named {data.get('name')!r} inside")
    data.pop("id", None)
    suite = gx.ExpectationSuite(**data)
    if len(suite.expectations) != len(data.get("expectations", [])):
        raise ValueError(
            f"suite {name!r}: {len(data['expectations']) - len(suite.expectations)} "
            "expectation(s) could not be parsed (see the GE log)"
        )
    return suite


# --------------------------------------------------------------------------- data


def read_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where_sql: str | None = None,
    params: list[Any] | dict[str, Any] | None = None,
) -> pd.DataFrame:
    """`SELECT * FROM table [WHERE where_sql]` as a pandas DataFrame.

    `table` and `where_sql` are SQL text written by the caller (not user input); values belong in
    `params` (`?` or `$name` placeholders).
    """
    sql = f"SELECT * FROM {table}" + (f" WHERE {where_sql}" if where_sql else "")
    return read_query(con, sql, params)


def read_query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | dict[str, Any] | None = None
) -> pd.DataFrame:
    """The result of `sql` (written by the caller; values in `params`) as a pandas DataFrame."""
    with warnings.catch_warnings():
        # duckdb's DataFrame conversion uses an `inplace=` pandas 3.1 deprecates; not ours.
        warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
        return con.execute(sql, params).df() if params else con.execute(sql).df()


def lists_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with list-valued columns (DuckDB LIST -> numpy arrays) as '; '-joined text.

    GE handles object columns holding arrays very slowly (seconds per expectation on 50,000
    rows); no suite looks inside a list, and nulls stay null, so the verdicts are unchanged.
    """
    listed = [
        c
        for c in df.columns
        if df[c].dtype == object
        and (first := df[c].first_valid_index()) is not None
        and hasattr(df[c][first], "__len__")
        and not isinstance(df[c][first], str | bytes | dict)
    ]
    if not listed:
        return df
    out = df.copy(deep=False)
    for column in listed:
        out[column] = df[column].map(
            lambda v: None if v is None else "; ".join(map(str, v)), na_action="ignore"
        )
    return out


def add_derived_columns(suite_name: str, df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` with the suite's derived columns added (or `df` itself if it has none)."""
    derived = derived_columns(suite_name)
    if not derived:
        return df
    out = df.copy()
    for column, expression in derived.items():
        if column in out.columns:
            raise ValueError(f"derived column {column!r} of suite {suite_name!r} already exists")
        try:
            out[column] = out.eval(expression, engine="python")
        except Exception:  # noqa: BLE001 - a missing input column is reported by the suite itself
            out[column] = None
    return out


# --------------------------------------------------------------------------- results


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for GE values (numpy scalars, tuples, NaN, timestamps, Decimals...)."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item):
        try:
            return to_jsonable(item())
        except (TypeError, ValueError):
            pass
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
    except (TypeError, ValueError):
        pass
    return str(value)


@dataclass
class SuiteResult:
    """Outcome of validating one DataFrame against one suite (plain, JSON-serialisable data)."""

    suite_name: str
    table: str
    success: bool
    evaluated: int
    successful: int
    failed: int
    row_count: int
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_metadata(self) -> dict[str, Any]:
        """Flat dict for Dagster asset-check metadata (str/int/float/list/dict values only)."""
        return {
            "suite": self.suite_name,
            "table": self.table,
            "outcome": "passed" if self.success else "failed",
            "row_count": self.row_count,
            "expectations_evaluated": self.evaluated,
            "expectations_successful": self.successful,
            "expectations_failed": self.failed,
            "success_percent": round(100.0 * self.successful / self.evaluated, 2)
            if self.evaluated
            else 100.0,
            "failed_expectations": [failure_label(f) for f in self.failures],
            "failures": [dict(f) for f in self.failures],
            "summary": self.describe(),
        }

    def describe(self) -> str:
        """One paragraph for people: what passed, and each failed expectation with examples."""
        head = (
            f"Suite {self.suite_name} on {self.table} ({self.row_count} rows): "
            f"{self.successful} of {self.evaluated} expectations met"
        )
        if self.success:
            return head + "."
        parts = []
        for f in self.failures:
            text = failure_label(f)
            if f.get("exception"):
                text += f" raised an error: {f['exception']}"
            elif f.get("unexpected_count") is not None:
                text += f": {f['unexpected_count']} unexpected value(s)"
                if f.get("partial_unexpected_values"):
                    shown = ", ".join(
                        json.dumps(v, ensure_ascii=False) for v in f["partial_unexpected_values"]
                    )
                    text += f", e.g. {shown}"
            elif (f.get("details") or {}).get("mismatched"):
                mismatched = f["details"]["mismatched"]
                text += ": " + ", ".join(
                    f"{key} column(s) {', '.join(map(str, mismatched[key]))}"
                    for key in ("missing", "unexpected")
                    if mismatched.get(key)
                )
            elif f.get("observed_value") is not None:
                text += f": observed {json.dumps(f['observed_value'], ensure_ascii=False)}"
            parts.append(text)
        return f"{head}; {self.failed} failed: " + "; ".join(parts) + "."


def failure_label(failure: dict[str, Any]) -> str:
    """`expectation_type(column, ...)`, e.g. `expect_column_values_to_be_unique(programme_sk)`."""
    columns = failure.get("columns") or []
    return failure["expectation_type"] + (f"({', '.join(columns)})" if columns else "")


def _columns_of(kwargs: dict[str, Any]) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return list(kwargs.get("column_list") or [])


_KWARGS_SHOWN = ("value_set", "regex", "min_value", "max_value", "mostly", "or_equal")


def _failure(result: Any) -> dict[str, Any]:
    """One failed expectation as a plain dict (keys with no value are left out)."""
    config = result.expectation_config
    kwargs = dict(config.kwargs)
    outcome = result.result or {}
    optional: dict[str, Any] = {
        "rule": (config.meta or {}).get("rule"),
        "kwargs": {k: to_jsonable(kwargs[k]) for k in _KWARGS_SHOWN if k in kwargs},
        "unexpected_count": to_jsonable(outcome.get("unexpected_count")),
        "unexpected_percent": to_jsonable(outcome.get("unexpected_percent")),
        "partial_unexpected_values": to_jsonable(
            list(outcome.get("partial_unexpected_list") or [])[:MAX_UNEXPECTED_VALUES]
        ),
        "observed_value": to_jsonable(outcome.get("observed_value")),
        "details": to_jsonable(outcome.get("details")),
        "exception": _exception_message(result.exception_info),
    }
    failure: dict[str, Any] = {
        "expectation_type": config.type,
        "columns": _columns_of(kwargs),
    }
    failure.update({k: v for k, v in optional.items() if v not in (None, {}, [], "")})
    return failure


def _exception_message(info: Any) -> str | None:
    """The error GE caught while evaluating an expectation (e.g. a missing column), if any."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "error")
    messages = [  # GE may key several exceptions by metric
        str(v.get("exception_message") or "error")
        for v in info.values()
        if isinstance(v, dict) and v.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(messages)) or None


def summarise(suite_name: str, table: str, row_count: int, validation: Any) -> SuiteResult:
    """A `SuiteResult` from GE's `ExpectationSuiteValidationResult`."""
    stats = validation.statistics
    failures = [_failure(r) for r in validation.results if not r.success]
    return SuiteResult(
        suite_name=suite_name,
        table=table,
        success=bool(validation.success),
        evaluated=int(stats["evaluated_expectations"]),
        successful=int(stats["successful_expectations"]),
        failed=int(stats["unsuccessful_expectations"]),
        row_count=int(row_count),
        failures=failures,
    )


# --------------------------------------------------------------------------- validation


def quiet_context(context: Any) -> Any:
    """Switch off GE's tqdm progress bars for `context`."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


@cache
def _batch_definition() -> Any:
    """Ephemeral GE context with one pandas dataframe asset; built once per process."""
    import great_expectations as gx

    context = quiet_context(gx.get_context(mode="ephemeral"))
    asset = context.data_sources.add_pandas(_DATASOURCE).add_dataframe_asset(_ASSET)
    return asset.add_batch_definition_whole_dataframe(_BATCH_DEFINITION)


def _validate(suite: Any, frame: pd.DataFrame, result_format: str) -> Any:
    with _lock:  # one ephemeral context per process; GE contexts are not thread-safe
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=result_format)


QUICK_FIRST_ROWS = 10_000
"""From this many rows, GE first only decides pass/fail (`BOOLEAN_ONLY`, about twice as fast
as `SUMMARY`); only a frame that fails is validated again for counts and examples."""


def validate_dataframe(suite_name: str, df: pd.DataFrame) -> SuiteResult:
    """Validate `df` against the suite `suite_name`; never raises because the data is bad."""
    suite = load_suite(suite_name)
    table = suite_table(suite_name)
    frame = add_derived_columns(suite_name, lists_as_text(df))
    validation = None
    if len(frame) >= QUICK_FIRST_ROWS:
        validation = _validate(suite, frame, "BOOLEAN_ONLY")
    if validation is None or not validation.success:
        validation = _validate(suite, frame, "SUMMARY")
    return summarise(suite_name, table, len(df), validation)


def validate_suite(suite: dict[str, Any], df: pd.DataFrame, table: str) -> SuiteResult:
    """Validate `df` against a suite given as GE JSON (`{"name": ..., "expectations": [...]}`),
    built by the caller for this frame; `table` names what the frame was read from."""
    import great_expectations as gx

    expectations = [dict(e) for e in suite["expectations"]]
    gx_suite = gx.ExpectationSuite(name=suite["name"], expectations=expectations)
    if len(gx_suite.expectations) != len(expectations):
        raise ValueError(f"suite {suite['name']!r}: an expectation could not be parsed")
    validation = _validate(gx_suite, df, "SUMMARY")
    return summarise(suite["name"], table, len(df), validation)


def validate_table(con: duckdb.DuckDBPyConnection, suite_name: str) -> SuiteResult:
    """Read the suite's table from DuckDB and validate it."""
    return validate_dataframe(suite_name, read_table(con, suite_table(suite_name)))
