{{ config(materialized='table') }}
-- Every codebook mention in a publication's title or abstract, sentence by sentence, as coded by
-- the engine (int_texts_theme_coded, docs/theme_coding.md) in the publication's coding_language,
-- with the analysts' review (keyed on
-- the stable mention_id). A table: both fct_publication_theme and mart_literature_coding_sheet
-- read it.
with mentions as (
    {{ theme_mentions(
        ref('int_publication_sentences_split'),
        ['publication_sk', 'sentence_number', 'text_part', 'sentence_text'],
        'sentence_text',
        'coding_language'
    ) }}
)

select
    m.*,
    coalesce(r.review_status, 'unreviewed') as review_status,
    r.reviewer,
    r.reviewed_at
from mentions as m
left join {{ ref('stg_theme_reviews__mention_reviews') }} as r on m.mention_id = r.mention_id
