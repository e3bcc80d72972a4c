"""The whole catalogue of a served copy of the demo site through the real sensor and jobs: the
catalogue run, one run per plan, then the dbt build of the plan marts. One plan answers an HTML
page instead of its PDF and one PDF is truncated: those two partitions fail with the plan and
the reason, and are quarantined, while the others reach the marts."""

import dagster as dg
import duckdb
import pytest

from pipelines.sector_plans.local import tick_catalogue_sensor
from pipelines.warehouse.dbt_assets import warehouse_dbt_assets
from pipelines.warehouse.publish import published_warehouse

pytestmark = pytest.mark.heavy

HONDURAS = "HND/plan-estrategico-del-sector-educacion-2018-2030"
MOZAMBIQUE = "MOZ/plano-estrategico-da-educacao-2020-2029"
GOOD = {
    "GHA/education-strategic-plan-2018-2030-6512",
    "KEN/national-education-sector-strategic-plan-2018-2022",
    "KEN/basic-education-covid-19-emergency-response-plan",  # no period in the title: listed year
    "NPL/school-education-sector-plan-202223-203132-7469",
    "SEN/programme-damelioration-de-la-qualite-de-lequite-et-de-la-transparence",
}
PLAN_MARTS = ["dim_sector_plan", "fct_plan_theme_mention", "fct_plan_theme"]
MATRIX = dg.AssetKey(["marts", "mart_country_theme_matrix"])


def _error(run: dg.ExecuteInProcessResult) -> str:
    failures = [e for e in run.all_events if e.event_type_value == "STEP_FAILURE"]
    return failures[0].event_specific_data.error.message if failures else ""


@pytest.fixture(scope="module")
def loaded(all_plans):
    """Sensor tick -> catalogue run -> sensor tick -> one run per plan."""
    settings, defs, instance = all_plans
    planipolis = defs.resources["planipolis"]
    tick_catalogue_sensor(instance, planipolis)
    assert (
        defs.resolve_job_def("load_sector_plan_catalogue")
        .execute_in_process(instance=instance)
        .success
    )
    tick = tick_catalogue_sensor(instance, planipolis)
    runs = {}
    for request in tick.run_requests:
        runs[request.partition_key] = defs.resolve_job_def("load_sector_plan").execute_in_process(
            instance=instance, partition_key=request.partition_key, raise_on_error=False
        )
    return settings, defs, instance, runs


@pytest.fixture(scope="module")
def built(loaded):
    """One dbt build of the plan marts and what they read (into a candidate, then promoted);
    only the dbt tests whose parents are all selected (the rest of the project is not built)."""
    settings, defs, instance, _ = loaded
    graph = defs.resolve_asset_graph()
    upstream = dg.AssetSelection.assets(MATRIX).upstream().resolve(graph)
    keys = [k for k in upstream if k in warehouse_dbt_assets.keys]
    keys += [dg.AssetKey(["marts", m]) for m in PLAN_MARTS]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        result = defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=instance,
            asset_selection=[*keys, published_warehouse.key],
            raise_on_error=False,
        )
    return settings, result


def query(settings, sql):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_plan_is_a_readable_partition_and_bad_documents_fail_only_their_plan(loaded):
    settings, _, instance, runs = loaded
    assert set(runs) == GOOD | {HONDURAS, MOZAMBIQUE}
    assert {key for key, run in runs.items() if run.success} == GOOD
    honduras, mozambique = _error(runs[HONDURAS]), _error(runs[MOZAMBIQUE])
    assert HONDURAS in honduras and "not_a_pdf" in honduras
    assert MOZAMBIQUE in mozambique and "truncated" in mozambique
    tags = {key: instance.get_run_by_id(run.run_id).tags for key, run in runs.items()}
    assert tags[HONDURAS]["learning_teams/outcome"] == "failed"
    assert tags[next(iter(GOOD))]["learning_teams/outcome"] == "loaded"
    quarantined = dict(
        query(
            settings,
            "SELECT d.plan_key, q.reason_codes[1] FROM raw.sector_plans_quarantine q "
            "JOIN raw.sector_plan_documents d ON d.doc_id = q.record_ref "
            "WHERE q.stage IN ('download', 'extract')",
        )
    )
    assert quarantined == {HONDURAS: "not_a_pdf", MOZAMBIQUE: "truncated"}
    with_pages = {
        row[0]
        for row in query(
            settings,
            "SELECT DISTINCT d.plan_key FROM raw.sector_plan_pages p "
            "JOIN raw.sector_plan_documents d USING (doc_id)",
        )
    }
    assert with_pages == GOOD


def test_the_pages_audit_ran_as_a_check_on_each_good_plan(loaded):
    _, _, _, runs = loaded
    for key in GOOD:
        (evaluation,) = runs[key].get_asset_check_evaluations()
        assert evaluation.check_name == "ge_raw_sector_plan_pages" and evaluation.passed


def test_rerunning_a_plan_changes_nothing(loaded):
    settings, defs, instance, _ = loaded
    sql = "SELECT * FROM raw.sector_plan_pages ORDER BY doc_id, page_no"
    before = [row[:-1] for row in query(settings, sql)]  # all but _extracted_at
    key = "GHA/education-strategic-plan-2018-2030-6512"
    assert (
        defs.resolve_job_def("load_sector_plan")
        .execute_in_process(instance=instance, partition_key=key)
        .success
    )
    assert [row[:-1] for row in query(settings, sql)] == before


def test_plan_marts_are_built_with_rows_in_the_country_theme_matrix(built):
    settings, result = built
    assert result.success
    failed = [
        e.check_name
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert failed == []
    statuses = dict(query(settings, "SELECT plan_key, load_status FROM marts.dim_sector_plan"))
    assert statuses == {**dict.fromkeys(GOOD, "loaded"), HONDURAS: "failed", MOZAMBIQUE: "failed"}
    matrix = query(
        settings,
        "SELECT country_code, plans_loaded, count(*) FILTER (WHERE is_mentioned) "
        "FROM marts.mart_country_theme_matrix GROUP BY ALL ORDER BY 1",
    )
    by_country = {code: (plans, themes) for code, plans, themes in matrix}
    assert set(by_country) == {"GBR", "GHA", "KEN", "NPL", "SEN"}  # focus + loaded countries
    assert by_country["GBR"] == (0, 0)
    plans_per_country = {"GHA": 1, "KEN": 2, "NPL": 1, "SEN": 1}
    assert all(
        plans == plans_per_country[c] and themes > 0
        for c, (plans, themes) in by_country.items()
        if c != "GBR"
    )
    (french,) = query(
        settings,
        "SELECT count(*) FROM marts.fct_plan_theme_mention WHERE plan_key LIKE 'SEN/%' "
        "AND language = 'fr'",
    )[0]
    assert french > 0  # the French plan is coded with the French patterns
    (first_page,) = query(
        settings,
        "SELECT min(first_page_no) FROM marts.fct_plan_theme WHERE plan_key LIKE 'GHA/%'",
    )[0]
    assert first_page == 1
