-- One row per mention of a codebook concept on a page of a plan document, as the engine coded it
-- (int_texts_theme_coded, docs/theme_coding.md): the matched words and their context, the stable
-- mention_id and the analysts' review (reviews/theme_mentions.csv, keyed on mention_id). Two
-- rules matching the same words give one mention (rule_ids lists them).
with mentions as (
    {{ theme_mentions(
        ref('int_plan_pages_labelled'), ['plan_key', 'doc_id', 'page_no'], 'page_text',
        'language_code'
    ) }}
),

one_per_mention as (
    select
        *,
        list(rule_id order by rule_id) over (
            partition by doc_id, page_no, mention_id
        ) as rule_ids
    from mentions
    qualify row_number() over (
        partition by doc_id, page_no, mention_id order by rule_kind, rule_id
    ) = 1
)

select
    m.mention_id,
    m.plan_key,
    m.doc_id,
    m.page_no,
    m.concept_type,
    m.concept_code,
    m.language,
    m.text_language,
    m.rule_id,
    m.rule_ids,
    m.rule_kind,
    m.matched_text,
    m.char_offset,
    m.match_length,
    m.context,
    coalesce(r.review_status, 'unreviewed') as review_status,
    r.reviewer,
    r.reviewed_at,
    r.review_note
from one_per_mention as m
left join {{ ref('stg_theme_reviews__mention_reviews') }} as r on m.mention_id = r.mention_id
