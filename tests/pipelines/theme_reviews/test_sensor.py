"""The review file reaches the warehouse without a click: theme_reviews_sensor asks for a load
when the file (or the code-eval report) changes content, and only then."""

import dagster as dg

from pipelines.theme_reviews.definitions import build_sensor


def test_sensor_requests_a_load_only_when_the_review_file_changes(tmp_path, monkeypatch):
    reviews = tmp_path / "theme_mentions.csv"
    monkeypatch.setenv("LT_THEME_REVIEWS_PATH", str(reviews))
    monkeypatch.setenv("LT_THEME_CODE_EVAL_PATH", str(tmp_path / "code_eval.json"))
    sensor = build_sensor(1)
    instance = dg.DagsterInstance.ephemeral()

    def tick(cursor):
        context = dg.build_sensor_context(instance=instance, cursor=cursor)
        result = sensor.evaluate_tick(context)
        return result, result.cursor

    first, cursor = tick(None)  # no file yet: load once (empty tables)
    assert len(first.run_requests) == 1
    unchanged, cursor = tick(cursor)
    assert not unchanged.run_requests and "unchanged" in unchanged.skip_message
    reviews.write_text("mention_id,decision,reviewer,reviewed_at\n", encoding="utf-8")
    changed, cursor = tick(cursor)
    assert len(changed.run_requests) == 1
    again, _ = tick(cursor)
    assert not again.run_requests
