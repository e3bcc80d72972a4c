"""The warehouse rebuilt from the archive alone equals the one built file by file."""

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.make_run.driver import build, run_pipeline
from pipelines.programme_records.admin import rebuild
from pipelines.settings import Settings
from tests.conftest import SAMPLE_DIR
from tests.pipelines.end_to_end.pipeline import marts_and_upstream_keys, query
from tests.pipelines.in_memory import in_memory_instance
from tests.pipelines.sample_run import CONCURRENCY

pytestmark = pytest.mark.heavy

PROGRAMME_MARTS = ("dim_programme_history", "dim_programme", "fct_programme_actor")


def test_rebuild_from_the_archive_gives_the_same_marts_and_history(
    pipeline, tmp_path, worker_builds_dir
):
    """The warehouse built file by file (with a later update) equals one rebuilt from the
    archive alone, history included (validity comes from the deliveries, not from build time):
    the deliveries replayed (`landing rebuild`), then a build of the programme marts and all
    they read (the other sources' marts are not compared: their inputs are not in the archive)."""
    settings, defs, instance = pipeline.settings, pipeline.defs, pipeline.instance
    source = (SAMPLE_DIR / "uk_partnerships_2002.csv").read_text(encoding="utf-8").splitlines()
    record = next(line for line in source if line.startswith("GBR-NCSL-NLC,"))
    assert ",6," in record
    update = settings.landing_dir / "learning-teams-sample" / "nlc_update.csv"
    update.write_text(source[0] + "\n" + record.replace(",6,", ",7,", 1) + "\n", encoding="utf-8")
    assert run_pipeline(defs, instance, reports=False).build_ok
    rebuilt_path = tmp_path / "rebuilt" / "learning_teams.duckdb"
    with pytest.MonkeyPatch.context() as local:
        local.setenv("LT_WAREHOUSE_PATH", str(rebuilt_path))
        local.setenv("LT_PUBLISH_DIR", str(tmp_path / "rebuilt" / "published"))
        local.setenv("LT_BUILDS_DIR", str(worker_builds_dir))
        rebuilt_settings = Settings.from_env()
        local.setenv("DBT_INDIRECT_SELECTION", "cautious")
        rebuilt_defs = build_definitions(rebuilt_settings)
        with in_memory_instance(CONCURRENCY) as fresh:
            assert rebuild(rebuilt_defs, fresh, then_build=False)
            programme_marts = [dg.AssetKey(["marts", m]) for m in PROGRAMME_MARTS]
            keys = marts_and_upstream_keys(rebuilt_defs, programme_marts)
            assert build(rebuilt_defs, fresh, "ERROR", keys).success
    for table in [*(f"marts.{m}" for m in PROGRAMME_MARTS), "raw.programme_records"]:
        columns = "* EXCLUDE (_loaded_at)" if table.startswith("raw") else "*"
        original = query(settings, f"SELECT {columns} FROM {table} ORDER BY ALL")
        con = duckdb.connect(str(rebuilt_path), read_only=True)
        again = con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
        con.close()
        assert again == original, table
    history = query(
        settings,
        """SELECT schools_count, is_current FROM marts.dim_programme_history
           WHERE programme_ref = 'GBR-NCSL-NLC' ORDER BY valid_from""",
    )
    assert history == [(6, False), (7, True)]
