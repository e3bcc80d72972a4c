"""Build Great Expectations Data Docs for the warehouse: every suite run against its table.

A file-backed GE project lives in `<output_dir>/gx` (config, suites, validation results and the
static site). Each run (re)registers the suites from `expectations/suites/*.json`, reads each
suite's table read-only from the DuckDB file into pandas, validates it through a checkpoint and
rebuilds the site; re-running updates everything in place and adds the new validation run to the
site's history. Works offline; telemetry is off.

    python -m expectations.data_docs   # LT_WAREHOUSE_PATH, LT_DATA_DOCS_DIR; prints index.html
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from expectations import runner

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "learning_teams.duckdb"
DEFAULT_OUTPUT_DIR = REPO_ROOT / "warehouse" / "data_docs"
DATASOURCE = "learning_teams_warehouse"
SITE_NAME = "local_site"


def _table_exists(con: Any, table: str) -> bool:
    schema, _, name = table.rpartition(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_name = ? AND (? = '' OR table_schema = ?)",
            [name, schema, schema],
        ).fetchone()[0]
    )


def _site_index(context: Any) -> Path:
    """Path of the local site's index.html (from GE's own site URL when it gives one)."""
    for site in context.get_docs_sites_urls(site_name=SITE_NAME, only_if_exists=True):
        url = site.get("site_url") or ""
        if url.startswith("file://"):
            return Path(url.removeprefix("file://"))
    return Path(context.root_directory) / "uncommitted" / "data_docs" / SITE_NAME / "index.html"


def build_data_docs(
    warehouse_path: Path,
    output_dir: Path,
    suites: list[str] | None = None,
) -> Path:
    """Validate each suite's table in the DuckDB file and build Data Docs under `output_dir`.

    Returns the path of the generated `index.html`. Suites whose table is missing from the
    warehouse are skipped with a warning (e.g. before the first load).
    """
    import duckdb
    import great_expectations as gx

    warehouse_path = Path(warehouse_path)
    if not warehouse_path.is_file():
        raise FileNotFoundError(f"warehouse file not found: {warehouse_path}")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)

    # project_root_dir=output_dir -> the GE project is output_dir / "gx".
    context = runner.quiet_context(gx.get_context(mode="file", project_root_dir=output_dir))
    # Replacing the datasource drops the assets of earlier runs, so each run starts clean.
    datasource = context.data_sources.add_or_update_pandas(DATASOURCE)

    names = suites if suites is not None else runner.list_suites()
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        for name in names:
            table = runner.suite_table(name)
            if not _table_exists(con, table):
                log.warning("data docs: table %s of suite %s not found; skipped", table, name)
                continue
            frame = runner.add_derived_columns(name, runner.read_table(con, table))

            suite = context.suites.add_or_update(runner.load_suite(name))
            asset = datasource.add_dataframe_asset(name=table)
            batch_definition = asset.add_batch_definition_whole_dataframe(f"{table} (whole table)")
            validation = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
            )
            checkpoint = context.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=f"{name}_checkpoint",
                    validation_definitions=[validation],
                    result_format="SUMMARY",
                )
            )
            # The checkpoint stores the result; the site is built once, after the loop.
            result = checkpoint.run(batch_parameters={"dataframe": frame})
            log.log(
                logging.INFO if result.success else logging.WARNING,
                "data docs: suite %s on %s %s",
                name,
                table,
                "passed" if result.success else "FAILED",
            )

    context.build_data_docs(site_names=[SITE_NAME])
    index = _site_index(context)
    if not index.is_file():
        raise RuntimeError(f"Data Docs were built but {index} does not exist")
    return index


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # GE logs a lot at INFO
    log.setLevel(logging.INFO)
    warehouse = Path(os.environ.get("LT_WAREHOUSE_PATH") or DEFAULT_WAREHOUSE)
    output_dir = Path(os.environ.get("LT_DATA_DOCS_DIR") or DEFAULT_OUTPUT_DIR)
    index = build_data_docs(warehouse, output_dir)
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
