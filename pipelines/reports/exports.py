"""Country-profile exports an analyst opens in a spreadsheet: CSV and XLSX.

Text cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, or a
tab or carriage return, OWASP's list for CSV injection) get a leading `'`, so a value delivered
by an organisation can never run as a formula. Numbers stay numbers; lists become '; '-joined text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as a spreadsheet must show it: text starting like a formula gets a `'`."""
    if _is_list(value):
        value = _joined(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every column that can hold text (or lists) neutralised."""
    out = frame.copy()
    types = pd.api.types
    for column in out.columns:
        dtype = out[column].dtype
        if not (types.is_numeric_dtype(dtype) or types.is_datetime64_any_dtype(dtype)):
            out[column] = out[column].astype(object).map(neutralise)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """RFC 4180 CSV in UTF-8 with a BOM (Excel then reads the accents right), every text field
    quoted (a line break inside a value stays in its cell), written then renamed."""
    tmp = path.with_name(f".{path.name}.tmp")
    neutralise_frame(frame).to_csv(
        tmp, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n"
    )
    tmp.replace(path)
    return path


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per frame; strings are written as strings (never as formulas or links)."""
    tmp = path.with_name(f".{path.name}.tmp")
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        for name, frame in sheets.items():
            neutralise_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
            writer.sheets[name[:31]].autofit()
    tmp.replace(path)
    return path


def profile_as_fields(profile: pd.Series) -> pd.DataFrame:
    """One country's profile row as (field, value) rows: the layout of a one-country sheet.
    Numbers stay numbers, lists become '; '-joined text, missing values empty cells."""
    values = [_joined(v) if _is_list(v) else (None if _missing(v) else v) for v in profile]
    return pd.DataFrame({"field": list(profile.index), "value": values}, dtype=object)


def _is_list(value) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _joined(values) -> str:
    return "; ".join("" if v is None else str(v) for v in values)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA
