-- Publication × codebook theme (team kinds, collaboration models, actors, partnership
-- components) found in its title or abstract: how often, with which words, and the first
-- place it is mentioned (reading order: title, then the abstract's sentences).
with mentions as (
    select * from {{ ref('int_publication_sentences_coded') }}
),

concepts as (
    {{ codebook_concepts() }}
)

select
    {{ surrogate_key(['m.publication_sk', 'm.concept_type', 'm.concept_code']) }}
        as publication_theme_sk,
    m.publication_sk,
    m.concept_type,
    m.concept_code,
    -- distinct positions: two patterns matching the same words count once
    cast(count(distinct (m.sentence_number, m.char_offset)) as integer) as mention_count,
    cast(count(distinct m.sentence_number) as integer) as sentence_count,
    bool_or(m.text_part = 'title') as in_title,
    list(distinct lower(m.matched_text) order by lower(m.matched_text)) as matched_words,
    arg_min(m.context, m.sentence_number * 1000000 + m.char_offset) as first_context,
    min(m.sentence_number) as first_sentence_number
from mentions as m
inner join concepts as c
    on c.concept_type = m.concept_type and c.concept_code = m.concept_code
group by m.publication_sk, m.concept_type, m.concept_code
