"""Configuration from environment variables, with defaults for the embedded local setup.

Relative paths are resolved against the repository root, so commands work from any folder.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb_extension_ducklake
import duckdb_extension_excel
import duckdb_extension_postgres_scanner

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
SAMPLE_DATA_DIR = REPO_ROOT / "sample_data" / "programme_records"
SECTOR_PLANS_SAMPLE_DIR = REPO_ROOT / "sample_data" / "sector_plans"
WAREHOUSE_FILE_NAME = "learning_teams.duckdb"
# The dbt installed beside this Python (the project venv), also when the venv is not activated.
DBT_EXECUTABLE = shutil.which("dbt", path=str(Path(sys.executable).parent)) or "dbt"
EXCEL_EXTENSION = (
    Path(duckdb_extension_excel.__file__).parent
    / "extensions"
    / "v1.5.5"
    / "excel.duckdb_extension"
)
DUCKLAKE_EXTENSION = (
    Path(duckdb_extension_ducklake.__file__).parent
    / "extensions"
    / "v1.5.5"
    / "ducklake.duckdb_extension"
)
POSTGRES_EXTENSION = (
    Path(duckdb_extension_postgres_scanner.__file__).parent
    / "extensions"
    / "v1.5.5"
    / "postgres_scanner.duckdb_extension"
)


def _path(variable: str, default: str) -> Path:
    path = Path(os.environ.get(variable) or default).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def _flag(variable: str) -> bool:
    value = os.environ.get(variable, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{variable}={value!r}: use 1/true/yes/on or 0/false/no/off")


EMBEDDED, LAKE = "embedded", "lake"


def warehouse_backend() -> str:
    """LT_WAREHOUSE_BACKEND: `embedded` (default: the DuckDB file, one writer) or `lake` (the
    shared DuckLake of pipelines/warehouse/lake.py: LT_LAKE_CATALOG_DSN, LT_LAKE_DATA_PATH)."""
    value = (os.environ.get("LT_WAREHOUSE_BACKEND") or EMBEDDED).strip().lower()
    if value not in (EMBEDDED, LAKE):
        raise ValueError(f"LT_WAREHOUSE_BACKEND={value!r}: use {EMBEDDED} or {LAKE}")
    return value


@dataclass(frozen=True)
class Settings:
    warehouse_path: Path
    landing_dir: Path
    archive_dir: Path
    publish_dir: Path
    builds_dir: Path
    sensor_interval_seconds: int
    automation_interval_seconds: int
    landing_settle_seconds: float
    lock_wait_seconds: float
    literature_raw_dir: Path
    log_dir: Path
    plans_store_dir: Path
    plans_validators_path: Path
    plans_catalogue_export: Path | None
    plans_all_countries: bool
    plans_sensor_interval_seconds: int
    reports_dir: Path = REPO_ROOT / "warehouse" / "reports"
    warehouse_backend: str = EMBEDDED

    @classmethod
    def from_env(cls) -> Settings:
        warehouse_path = _path("LT_WAREHOUSE_PATH", f"warehouse/{WAREHOUSE_FILE_NAME}")
        if warehouse_path.name != WAREHOUSE_FILE_NAME:
            # dbt bakes the catalog name (the file's stem) into its manifest.
            raise ValueError(
                f"LT_WAREHOUSE_PATH must name a file called {WAREHOUSE_FILE_NAME} "
                f"(got {warehouse_path}); put it in another folder instead"
            )
        return cls(
            warehouse_path=warehouse_path,
            landing_dir=_path("LT_LANDING_DIR", "warehouse/landing/programme_records"),
            archive_dir=_path("LT_ARCHIVE_DIR", "warehouse/archive/programme_records"),
            publish_dir=_path("LT_PUBLISH_DIR", "warehouse/published"),
            builds_dir=_path("LT_BUILDS_DIR", "warehouse/builds"),
            sensor_interval_seconds=int(os.environ.get("LT_SENSOR_INTERVAL_SECONDS", "1")),
            automation_interval_seconds=int(os.environ.get("LT_AUTOMATION_INTERVAL_SECONDS", "1")),
            landing_settle_seconds=float(os.environ.get("LT_LANDING_SETTLE_SECONDS", "2")),
            lock_wait_seconds=float(os.environ.get("LT_LOCK_WAIT_SECONDS", "300")),
            literature_raw_dir=_path("LT_LITERATURE_RAW_DIR", "warehouse/raw/literature"),
            log_dir=_path("LT_LOG_DIR", "warehouse/logs"),
            plans_store_dir=_path(
                "LT_PLANS_STORE_DIR", str(warehouse_path.parent / "raw_store" / "sector_plans")
            ),
            plans_validators_path=_path(
                "LT_PLANS_VALIDATORS_PATH",
                str(warehouse_path.parent / "raw_store" / "sector_plans_http_validators.json"),
            ),
            plans_catalogue_export=(
                _path("LT_PLANS_CATALOGUE_EXPORT", "")
                if os.environ.get("LT_PLANS_CATALOGUE_EXPORT", "").strip()
                else None
            ),
            plans_all_countries=_flag("LT_PLANS_ALL_COUNTRIES"),
            plans_sensor_interval_seconds=int(
                os.environ.get("LT_PLANS_SENSOR_INTERVAL_SECONDS", "3600")
            ),
            reports_dir=_path("LT_REPORTS_DIR", str(warehouse_path.parent / "reports")),
            warehouse_backend=warehouse_backend(),
        )
