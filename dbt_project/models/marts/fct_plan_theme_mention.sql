-- One row per mention of a codebook concept on a page of a plan document, coded by the
-- code_texts macro (docs/theme_coding.md): the matched words as written and their context.
with mentions as (
    {{ code_texts(
        ref('int_plan_pages_labelled'), ['plan_key', 'doc_id', 'page_no'], 'page_text',
        'language_code'
    ) }}
)

select
    plan_key,
    doc_id,
    page_no,
    concept_type,
    concept_code,
    language,
    text_language,
    pattern_id,
    matched_text,
    char_offset,
    match_length,
    context
from mentions
