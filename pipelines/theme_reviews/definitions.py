"""Everything Dagster knows about the theme reviews: the raw assets, their job, and a sensor that
loads the review file (and the code-eval report) whenever its content changes, so an analyst's
saved decisions reach the marts without a click (the warehouse build sensor takes it from there)."""

import json

import dagster as dg

from .assets import (
    code_eval_path,
    file_version,
    raw_theme_coding_dev_eval,
    raw_theme_mention_reviews,
    reviews_path,
)

load_theme_reviews = dg.define_asset_job(
    name="load_theme_reviews",
    selection=dg.AssetSelection.assets(raw_theme_mention_reviews, raw_theme_coding_dev_eval),
    description="Load the analysts' review file and the code-eval report into raw.",
)


def build_sensor(interval_seconds: int) -> dg.SensorDefinition:
    @dg.sensor(
        name="theme_reviews_sensor",
        job=load_theme_reviews,
        minimum_interval_seconds=max(interval_seconds, 1),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Loads the review file (LT_THEME_REVIEWS_PATH) and the code-eval report "
        "(LT_THEME_CODE_EVAL_PATH) when their content changes.",
    )
    def theme_reviews_sensor(context: dg.SensorEvaluationContext):
        versions = {
            "reviews": file_version(reviews_path()),
            "code_eval": file_version(code_eval_path()),
        }
        cursor = json.dumps(versions, sort_keys=True)
        if cursor == context.cursor:
            return dg.SkipReason("review file and code-eval report unchanged")
        context.update_cursor(cursor)
        return dg.RunRequest(run_key=cursor)

    return theme_reviews_sensor


def build_defs(sensor_interval_seconds: int) -> dg.Definitions:
    return dg.Definitions(
        assets=[raw_theme_mention_reviews, raw_theme_coding_dev_eval],
        jobs=[load_theme_reviews],
        sensors=[build_sensor(sensor_interval_seconds)],
    )
