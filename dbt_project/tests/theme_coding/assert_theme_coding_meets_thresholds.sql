{{ config(meta={'dagster': {'ref': {'name': 'mart_theme_coding_quality'}}}) }}
-- Languages whose overall (micro-averaged) precision or recall on the labelled sentences is below
-- the vars theme_coding_min_language_precision / _recall, and concept x language cells below
-- theme_coding_min_concept_precision / _recall (docs/theme_coding.md justifies the values).
with by_language as (
    select
        language,
        sum(true_positives) / nullif(sum(true_positives) + sum(false_positives), 0) as precision,
        sum(true_positives) / nullif(sum(true_positives) + sum(false_negatives), 0) as recall
    from {{ ref('mart_theme_coding_quality') }}
    group by language
)

select 'language' as level, language, null as concept_code, precision, recall
from by_language
where coalesce(precision, 0) < {{ var('theme_coding_min_language_precision') }}
    or coalesce(recall, 0) < {{ var('theme_coding_min_language_recall') }}
union all
select 'concept', language, concept_code, precision, recall
from {{ ref('mart_theme_coding_quality') }}
where coalesce(precision, 0) < {{ var('theme_coding_min_concept_precision') }}
    or coalesce(recall, 0) < {{ var('theme_coding_min_concept_recall') }}
