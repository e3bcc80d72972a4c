"""The review file is loaded whole: valid rows to raw.theme_mention_reviews, the others to the
quarantine with the file, row and reason; a reload replaces the previous one; a missing file
means no reviews; a file without the needed columns is quarantined as a whole."""

import json

import duckdb

from sources.theme_reviews.loader import load_dev_eval, load_reviews

GOOD = "0123456789abcdef0123456789abcdef"


def test_valid_rows_load_and_bad_rows_are_quarantined_with_their_reason(tmp_path):
    path = tmp_path / "theme_mentions.csv"
    path.write_text(
        "mention_id,decision,reviewer,reviewed_at,note\n"
        f"{GOOD},accepted,ana,2026-03-01,clear case\n"
        f"{GOOD.upper()}, Rejected ,ben,2026-03-02 10:00:00,\n"
        "row-3,accepted,ana,2026-03-01,\n"
        f"{GOOD},maybe,ana,2026-03-01,\n"
        f"{GOOD},accepted,,2026-03-01,\n"
        f"{GOOD},accepted,ana,yesterday,\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    load = load_reviews(con, path)
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined) == (6, 2, 4)
    assert con.execute(
        "SELECT mention_id, decision, reviewer, note, source_row FROM raw.theme_mention_reviews "
        "ORDER BY source_row"
    ).fetchall() == [(GOOD, "accepted", "ana", "clear case", 2), (GOOD, "rejected", "ben", None, 3)]
    reasons = [
        r[0]
        for r in con.execute(
            "SELECT reason FROM raw.theme_mention_reviews_quarantine ORDER BY source_row"
        ).fetchall()
    ]
    assert reasons[0].startswith(f"{path} row 4: mention_id is not a mention id")
    assert "row 5: decision must be accepted or rejected" in reasons[1]
    assert "row 6: reviewer is empty" in reasons[2]
    assert "row 7: reviewed_at is not a date" in reasons[3]
    # the file is the state: a reload replaces everything
    path.write_text("mention_id,decision,reviewer,reviewed_at\n", encoding="utf-8")
    load_reviews(con, path)
    assert con.execute("SELECT count(*) FROM raw.theme_mention_reviews").fetchone()[0] == 0
    assert (
        con.execute("SELECT count(*) FROM raw.theme_mention_reviews_quarantine").fetchone()[0] == 0
    )


def test_missing_file_means_no_reviews_and_a_wrong_header_is_quarantined(tmp_path):
    con = duckdb.connect()
    assert load_reviews(con, tmp_path / "absent.csv").missing_file
    path = tmp_path / "reviews.csv"
    path.write_text("id,verdict\nx,accepted\n", encoding="utf-8")
    load = load_reviews(con, path)
    assert load.rows_loaded == 0
    (reason,) = con.execute("SELECT reason FROM raw.theme_mention_reviews_quarantine").fetchone()
    assert reason.startswith(f"{path}: no column(s) mention_id, decision, reviewer, reviewed_at")


def test_code_eval_report_figures_load_per_part_concept_and_language(tmp_path):
    report = {
        "engine": "sources.theme_coding (codebook x)",
        "results": {
            "all plans": {
                "concepts": [
                    {
                        "concept_code": "parents",
                        "language": "en",
                        "positives": 4,
                        "negatives": 2,
                        "tp": 3,
                        "fp": 1,
                        "precision": 0.75,
                        "recall": 0.75,
                    }
                ]
            }
        },
    }
    path = tmp_path / "code_eval.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    con = duckdb.connect()
    assert load_dev_eval(con, path) == 1
    assert con.execute(
        "SELECT part, concept_code, language, tp, precision FROM raw.theme_coding_dev_eval"
    ).fetchall() == [("all plans", "parents", "en", 3, 0.75)]
    assert load_dev_eval(con, tmp_path / "absent.json") == 0


def test_reloading_an_unchanged_file_gives_identical_rows(tmp_path):
    """The build fingerprints raw tables: an unchanged review file must not look like new data."""
    path = tmp_path / "theme_mentions.csv"
    path.write_text(
        f"mention_id,decision,reviewer,reviewed_at\n{GOOD},accepted,ana,2026-03-01\nx,y,z,w\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    tables = ("raw.theme_mention_reviews", "raw.theme_mention_reviews_quarantine")

    def content():
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables]

    load_reviews(con, path)
    first = content()
    load_reviews(con, path)
    assert content() == first
