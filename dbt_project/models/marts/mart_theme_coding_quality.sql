-- Quality of the theme coding per concept and language, three ways side by side:
-- 1. regression figures on the written labelled sentences (precision, recall);
-- 2. precision from analysts' reviews of real mentions (plans and literature, reviews keyed on
--    mention_id): accepted / (accepted + rejected);
-- 3. the dev-set figures of `make code-eval` on real plan sentences, when a report was loaded.
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
),

reviewed as (
    select m.concept_code, m.language, r.review_status
    from (
        select distinct mention_id, concept_code, language from {{ ref('fct_plan_theme_mention') }}
        union
        select distinct mention_id, concept_code, language
        from {{ ref('int_publication_sentences_coded') }}
    ) as m
    inner join {{ ref('stg_theme_reviews__mention_reviews') }} as r on m.mention_id = r.mention_id
),

review_counts as (
    select
        concept_code,
        language,
        count(*) filter (where review_status = 'accepted') as accepted_mentions,
        count(*) filter (where review_status = 'rejected') as rejected_mentions
    from reviewed
    group by concept_code, language
),

regression as (
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
)

select
    g.*,
    coalesce(v.accepted_mentions, 0) + coalesce(v.rejected_mentions, 0) as reviewed_mentions,
    coalesce(v.accepted_mentions, 0) as accepted_mentions,
    coalesce(v.rejected_mentions, 0) as rejected_mentions,
    v.accepted_mentions / nullif(v.accepted_mentions + v.rejected_mentions, 0)
        as review_precision,
    d.positives as dev_positives,
    d.tp as dev_true_positives,
    d.fp as dev_false_positives,
    d."precision" as dev_precision,
    d.recall as dev_recall
from regression as g
left join review_counts as v on g.concept_code = v.concept_code and g.language = v.language
left join {{ ref('stg_theme_reviews__dev_evals') }} as d
    on g.concept_code = d.concept_code and g.language = d.language
