-- The literature review's coding sheet: every publication × each of the ten components of
-- effective partnerships, whether its title or abstract evidences the component and the
-- evidence sentence. The evidence is the sentence with the most mentions of the component;
-- on a tie the earliest (the title before the abstract). Counts come twice: every mention the
-- coder found, and those an analyst accepted (reviews keyed on mention_id, docs/theme_coding.md).
with publications as (
    select publication_sk, title, publication_year, doi, openalex_id, eric_id
    from {{ ref('dim_publication') }}
),

components as (
    select component_code, component_number, label
    from {{ ref('codebook_partnership_components') }}
),

sentence_mentions as (
    select
        publication_sk,
        concept_code as component_code,
        sentence_number,
        any_value(text_part) as text_part,
        any_value(sentence_text) as sentence_text,
        count(distinct char_offset) as mentions,
        count(distinct char_offset) filter (where review_status = 'accepted') as accepted_mentions,
        count(distinct char_offset) filter (where review_status = 'rejected') as rejected_mentions,
        list(distinct lower(matched_text) order by lower(matched_text)) as matched_words
    from {{ ref('int_publication_sentences_coded') }}
    where concept_type = 'partnership_component'
    group by publication_sk, concept_code, sentence_number
),

evidence as (
    select
        publication_sk,
        component_code,
        sum(mentions) over (partition by publication_sk, component_code) as mention_count,
        sum(accepted_mentions) over (
            partition by publication_sk, component_code
        ) as accepted_mention_count,
        sum(rejected_mentions) over (
            partition by publication_sk, component_code
        ) as rejected_mention_count,
        case
            when accepted_mentions > 0 then 'accepted'
            when rejected_mentions = mentions then 'rejected'
            else 'unreviewed'
        end as evidence_review_status,
        sentence_number,
        text_part,
        sentence_text,
        matched_words
    from sentence_mentions
    qualify row_number() over (
        partition by publication_sk, component_code
        order by mentions desc, sentence_number
    ) = 1
)

select
    {{ surrogate_key(['p.publication_sk', 'c.component_code']) }} as coding_sheet_sk,
    p.publication_sk,
    p.title,
    p.publication_year,
    p.doi,
    p.openalex_id,
    p.eric_id,
    c.component_number,
    c.component_code,
    c.label as component_label,
    e.publication_sk is not null as is_evidenced,
    cast(coalesce(e.mention_count, 0) as integer) as mention_count,
    e.sentence_text as evidence_sentence,
    e.text_part as evidence_part,
    e.sentence_number as evidence_sentence_number,
    e.matched_words as evidence_matched_words,
    cast(coalesce(e.accepted_mention_count, 0) as integer) as accepted_mention_count,
    cast(coalesce(e.rejected_mention_count, 0) as integer) as rejected_mention_count,
    coalesce(e.accepted_mention_count, 0) > 0 as is_evidenced_accepted,
    e.evidence_review_status
from publications as p
cross join components as c
left join evidence as e
    on e.publication_sk = p.publication_sk and e.component_code = c.component_code
