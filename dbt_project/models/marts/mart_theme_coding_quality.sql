-- Precision and recall of the theme coding per concept and language on the labelled sentences.
with labels as (
    select sentence_id, language, unnest({{ split_list('must_match') }}) as concept_code, true as expected
    from {{ ref('theme_coding_labelled_sentences') }}
    union all
    select sentence_id, language, unnest({{ split_list('must_not_match') }}), false
    from {{ ref('theme_coding_labelled_sentences') }}
),

concepts as (
    {{ codebook_concepts() }}
),

coded as (
    select distinct sentence_id, concept_code
    from {{ ref('int_labelled_sentences_coded') }}
),

outcomes as (
    select
        l.language,
        l.concept_code,
        l.expected,
        c.sentence_id is not null as coded
    from labels as l
    left join coded as c
        on l.sentence_id = c.sentence_id
        and l.concept_code = c.concept_code
),

counts as (
    select
        language,
        concept_code,
        count(*) filter (where expected) as n_must_match,
        count(*) filter (where not expected) as n_must_not_match,
        count(*) filter (where expected and coded) as true_positives,
        count(*) filter (where not expected and coded) as false_positives,
        count(*) filter (where expected and not coded) as false_negatives
    from outcomes
    group by language, concept_code
)

select
    k.concept_type,
    n.concept_code,
    n.language,
    n.n_must_match,
    n.n_must_not_match,
    n.true_positives,
    n.false_positives,
    n.false_negatives,
    n.true_positives / nullif(n.true_positives + n.false_positives, 0) as precision,
    n.true_positives / nullif(n.true_positives + n.false_negatives, 0) as recall
from counts as n
left join concepts as k on n.concept_code = k.concept_code
