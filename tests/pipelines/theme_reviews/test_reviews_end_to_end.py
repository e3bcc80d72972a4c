"""The analysts' review path for real: the demo plans loaded by the real connector from a served
copy of the demo site, one dbt build of the plan and theme-coding marts, then a review file
(LT_THEME_REVIEWS_PATH) loaded by the real Dagster asset and the review-dependent models rebuilt.
One mention accepted, one rejected, one row with an unknown decision and one not a mention id
(quarantined with the file, row and reason; the good rows still load). Review status, the
accepted-only and all counts of fct_plan_theme and the country x theme matrix, and the review
precision of the quality mart; then a codebook change (a copy of the dbt project with one more
pattern row) recodes every text and the reviews stay on the same mention_ids."""

import csv
import shutil

import dagster as dg
import duckdb
import pytest

from pipelines.settings import DBT_PROJECT_DIR
from pipelines.theme_reviews.assets import REVIEWS, REVIEWS_QUARANTINE, raw_theme_mention_reviews
from pipelines.warehouse.raw_schemas import ensure_raw_schemas
from pipelines.warehouse.resource import WarehouseResource
from sources.http_client import HttpConfig, PoliteClient
from sources.sector_plans.catalogue import load_catalogue_export
from sources.sector_plans.config import PlanipolisSettings
from sources.sector_plans.plans import list_plans, load_plan
from sources.static_server import serve_folder
from tests.dbt.run_dbt import dbt, query
from tests.sources.sector_plans.conftest import SAMPLE_DIR, SITE_DIR

pytestmark = pytest.mark.heavy

MARTS = ("mart_country_theme_matrix", "mart_theme_coding_quality")
REVIEWS_HEADER = ["mention_id", "decision", "reviewer", "reviewed_at", "note"]
NOT_A_MENTION_ID = "3f1c-not-a-mention"


def build(path, changed_nodes=None, project_dir=DBT_PROJECT_DIR):
    """dbt build of the marts and what they read, or only of what of it depends on
    `changed_nodes` (dbt's intersection: `changed+,+mart`); only tests whose parents are built."""
    if changed_nodes is None:
        select = [f"+{mart}" for mart in MARTS] + ["stg_theme_reviews__quarantined_rows"]
    else:
        select = [f"{changed_nodes}+,+{mart}" for mart in MARTS]
    done = dbt(
        ["build", "--indirect-selection", "cautious", "--select", *select], path, project_dir
    )
    assert done.returncode == 0, done.stdout[-5000:]
    return done.stdout


def load_demo_plans(path):
    """The demo catalogue and every plan of it, by the real connector, from a served copy of the
    demo site (the Mozambique PDF is truncated in the demo: quarantined, the others load)."""
    con = duckdb.connect(str(path))
    try:
        ensure_raw_schemas(con)
        with serve_folder(SITE_DIR) as base_url:
            load_catalogue_export(
                con, SAMPLE_DIR / "planipolis_catalogue_export.csv", base_url=base_url
            )
            client = PoliteClient(config=HttpConfig(min_interval_seconds=0, max_retries=0))
            settings = PlanipolisSettings(base_url=base_url, not_pdf_retries=0)
            for plan_key in list_plans(con):
                load_plan(con, client, path.parent / "store", plan_key, settings)
    finally:
        con.close()


def pick_mentions(path):
    """Two mentions of one concept and language, each in a different plan of one country, each
    the only row of its mention_id (text on no other page), and a third mention of it."""
    rows = query(
        path,
        """WITH single AS (
               SELECT *, split_part(plan_key, '/', 1) AS country_code
               FROM marts.fct_plan_theme_mention
               QUALIFY count(*) OVER (PARTITION BY mention_id) = 1
           ),
           candidates AS (
               SELECT country_code, concept_type, concept_code, language
               FROM single GROUP BY country_code, concept_type, concept_code, language
               HAVING count(DISTINCT plan_key) >= 2
               ORDER BY concept_type = 'team_kind' DESC, country_code, concept_code, language
               LIMIT 1
           )
           SELECT s.plan_key, s.mention_id, s.country_code, s.concept_code, s.language
           FROM single AS s
           JOIN candidates USING (country_code, concept_type, concept_code, language)
           QUALIFY row_number() OVER (PARTITION BY s.plan_key ORDER BY s.mention_id) <= 2
           ORDER BY s.plan_key, s.mention_id""",
    )
    plans = sorted({row[0] for row in rows})
    assert len(plans) >= 2, rows
    first = [row for row in rows if row[0] == plans[0]]
    second = [row for row in rows if row[0] == plans[1]]
    accepted, rejected = first[0], second[0]
    unused = (first[1:] + second[1:])[0] if len(rows) > 2 else None
    return accepted, rejected, unused


def theme_counts(path, plan_key, concept_code):
    return query(
        path,
        "SELECT mention_count, accepted_mention_count, rejected_mention_count "
        "FROM marts.fct_plan_theme WHERE plan_key = ? AND concept_code = ?",
        [plan_key, concept_code],
    )[0]


def matrix_cell(path, country_code, concept_code):
    columns = (
        "plans_loaded, plans_mentioning, plans_mentioning_accepted, mention_count, "
        "accepted_mention_count, rejected_mention_count, share_of_plans, share_of_plans_accepted"
    )
    (row,) = query(
        path,
        f"SELECT {columns} FROM marts.mart_country_theme_matrix "
        "WHERE country_code = ? AND concept_code = ?",
        [country_code, concept_code],
    )
    return dict(zip(columns.split(", "), row, strict=True))


def statuses(path):
    return dict(query(path, "SELECT mention_id, review_status FROM marts.fct_plan_theme_mention"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo plans loaded and the marts built once, with no review file yet."""
    path = tmp_path_factory.mktemp("reviews_e2e") / "warehouse" / "learning_teams.duckdb"
    path.parent.mkdir()
    load_demo_plans(path)
    build(path)
    return path


@pytest.fixture(scope="module")
def reviewed(built):
    """A review file written and loaded by the real asset, then the review-dependent models
    rebuilt."""
    path = built
    before = statuses(path)
    accepted, rejected, unused = pick_mentions(path)
    all_counts = {
        plan: theme_counts(path, plan, accepted[3]) for plan in (accepted[0], rejected[0])
    }
    all_cell = matrix_cell(path, accepted[2], accepted[3])
    reviews = path.parent.parent / "reviews" / "theme_mentions.csv"
    reviews.parent.mkdir()
    with reviews.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(REVIEWS_HEADER)
        writer.writerow([accepted[1], "accepted", "ana", "2026-03-01", ""])  # row 2
        writer.writerow([rejected[1], "rejected", "ana", "2026-03-02 14:05", "not this"])  # 3
        writer.writerow([NOT_A_MENTION_ID, "accepted", "ana", "2026-03-01", ""])  # row 4
        writer.writerow([unused[1] if unused else accepted[1], "maybe", "ana", "2026-03-01", ""])
        # an earlier decision written later in the file: the latest by reviewed_at still wins
        writer.writerow([rejected[1].upper(), "Accepted", "ben", "2026-03-01", ""])  # row 6
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LT_THEME_REVIEWS_PATH", str(reviews))
        load = dg.materialize(
            [raw_theme_mention_reviews],
            resources={
                "warehouse": WarehouseResource(
                    database_path=str(path), publish_dir=str(path.parent / "published")
                )
            },
        )
    assert load.success
    output = build(path, "source:theme_reviews")
    return {
        "path": path,
        "file": reviews,
        "load": load,
        "build_output": output,
        "before": before,
        "accepted": accepted,
        "rejected": rejected,
        "unused": unused,
        "all_counts": all_counts,
        "all_cell": all_cell,
    }


@pytest.fixture(scope="module")
def recoded(reviewed, tmp_path_factory):
    """A copy of the reviewed warehouse rebuilt with a copy of the dbt project whose codebook
    has one more (unrelated) pattern row: a new codebook version, every text coded again."""
    root = tmp_path_factory.mktemp("reviews_recoded")
    path = root / "learning_teams.duckdb"
    shutil.copy(reviewed["path"], path)
    project = root / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    version_sql = "SELECT DISTINCT codebook_version FROM intermediate.int_texts_theme_coded"
    versions_before = query(path, version_sql)
    with (project / "seeds" / "codebook" / "codebook_patterns.csv").open("a") as f:
        f.write("actor,teachers,en,schoolmasters?\n")
    output = build(path, "codebook_patterns", project)
    return path, versions_before, query(path, version_sql), output


def test_the_demo_plans_are_coded_and_nothing_is_reviewed_before_a_review_file(reviewed):
    before = reviewed["before"]
    assert len(before) > 50
    assert set(before.values()) == {"unreviewed"}
    plans = query(reviewed["path"], "SELECT count(DISTINCT plan_key) FROM marts.fct_plan_theme")
    assert plans[0][0] >= 5


def test_the_review_status_reaches_the_mention_mart(reviewed):
    path, accepted, rejected = reviewed["path"], reviewed["accepted"], reviewed["rejected"]
    after = statuses(path)
    assert set(after) == set(reviewed["before"])  # a review adds or drops no mention
    assert after[accepted[1]] == "accepted"
    assert after[rejected[1]] == "rejected"  # 2026-03-02 beats the later row dated 2026-03-01
    unreviewed = {m for m, status in after.items() if status == "unreviewed"}
    assert unreviewed == set(after) - {accepted[1], rejected[1]}  # the "maybe" row changes none
    (row,) = query(
        path,
        "SELECT reviewer, reviewed_at::VARCHAR, review_note FROM marts.fct_plan_theme_mention "
        "WHERE mention_id = ?",
        [rejected[1]],
    )
    assert row == ("ana", "2026-03-02 14:05:00", "not this")


def test_plan_theme_and_the_matrix_give_accepted_only_and_all_counts(reviewed):
    path, accepted, rejected = reviewed["path"], reviewed["accepted"], reviewed["rejected"]
    concept = accepted[3]
    all_accepted, all_rejected = (reviewed["all_counts"][p[0]][0] for p in (accepted, rejected))
    assert theme_counts(path, accepted[0], concept) == (all_accepted, 1, 0)
    assert theme_counts(path, rejected[0], concept) == (all_rejected, 0, 1)
    before, cell = reviewed["all_cell"], matrix_cell(path, accepted[2], concept)
    plans = cell["plans_loaded"]
    assert plans >= 2 and cell["plans_mentioning"] == before["plans_mentioning"] >= 2
    assert cell["mention_count"] == before["mention_count"] >= 2
    assert cell["share_of_plans"] == before["share_of_plans"]
    assert (cell["accepted_mention_count"], cell["rejected_mention_count"]) == (1, 1)
    assert cell["plans_mentioning_accepted"] == 1  # the plan with the rejected one does not count
    assert cell["share_of_plans_accepted"] == round(1 / plans, 3) < cell["share_of_plans"]
    others = query(
        path,
        "SELECT count(*) FROM marts.mart_country_theme_matrix WHERE (accepted_mention_count > 0 "
        "OR rejected_mention_count > 0) AND NOT (country_code = ? AND concept_code = ?)",
        [accepted[2], concept],
    )
    assert others == [(0,)]


def test_the_quality_mart_reports_precision_from_the_reviews(reviewed):
    path, accepted = reviewed["path"], reviewed["accepted"]
    rows = query(
        path,
        "SELECT concept_code, language, reviewed_mentions, accepted_mentions, rejected_mentions, "
        "review_precision FROM marts.mart_theme_coding_quality WHERE reviewed_mentions > 0",
    )
    assert rows == [(accepted[3], accepted[4], 2, 1, 1, 0.5)]
    (without, total) = query(
        path,
        "SELECT count(*) FILTER (WHERE review_precision IS NULL), count(*) "
        "FROM marts.mart_theme_coding_quality",
    )[0]
    assert without == total - 1  # every other concept and language: no precision yet


def test_bad_review_rows_are_quarantined_with_the_reason_and_the_good_rows_load(reviewed):
    path, file = reviewed["path"], reviewed["file"]
    quarantined = query(
        path,
        "SELECT source_file, source_row, reason FROM staging.stg_theme_reviews__quarantined_rows "
        "ORDER BY source_row",
    )
    assert [(source, row) for source, row, _ in quarantined] == [(str(file), 4), (str(file), 5)]
    not_an_id, unknown_decision = (reason for _, _, reason in quarantined)
    assert not_an_id.startswith(f"{file} row 4: mention_id is not a mention id")
    assert unknown_decision == f"{file} row 5: decision must be accepted or rejected"
    loaded = query(path, "SELECT source_row FROM raw.theme_mention_reviews ORDER BY source_row")
    assert loaded == [(2,), (3,), (6,)]
    materialized = {
        event.asset_key: event.materialization.metadata
        for event in reviewed["load"].get_asset_materialization_events()
    }
    assert materialized[REVIEWS]["dagster/row_count"].value == 3
    assert materialized[REVIEWS_QUARANTINE]["dagster/row_count"].value == 2


def test_reviews_survive_a_codebook_change_and_the_recode(reviewed, recoded):
    path, versions_before, versions_after, output = recoded
    assert len(versions_before) == len(versions_after) == 1
    assert versions_after != versions_before  # every text was coded again under the new rules
    for model in ("fct_plan_theme_mention", "fct_plan_theme", *MARTS):
        assert f"OK created sql table model marts.{model} " in output, model
    accepted, rejected = reviewed["accepted"], reviewed["rejected"]
    recoded_versions = query(
        path,
        "SELECT DISTINCT codebook_version FROM intermediate.int_texts_theme_coded "
        "WHERE mention_id IN (?, ?)",
        [accepted[1], rejected[1]],
    )
    assert recoded_versions == versions_after  # the reviewed mentions come from the recode
    assert statuses(path) == statuses(reviewed["path"])  # same mention_ids, same reviews
    assert theme_counts(path, accepted[0], accepted[3])[1:] == (1, 0)
    assert theme_counts(path, rejected[0], rejected[3])[1:] == (0, 1)
    precision = query(
        path,
        "SELECT review_precision FROM marts.mart_theme_coding_quality WHERE concept_code = ? "
        "AND language = ?",
        [accepted[3], accepted[4]],
    )
    assert precision == [(0.5,)]
