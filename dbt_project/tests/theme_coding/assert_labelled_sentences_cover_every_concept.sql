{{ config(meta={'dagster': {'ref': {'name': 'theme_coding_labelled_sentences'}}}) }}
-- Concept x language cells without at least one must-match and one must-not-match sentence, and
-- labels naming an unknown concept or appearing in both lists of one sentence.
with concepts as (
    select team_kind_code as concept_code from {{ ref('codebook_team_kinds') }}
    union all
    select collaboration_model_code from {{ ref('codebook_collaboration_models') }}
    union all
    select actor_code from {{ ref('codebook_actors') }}
    union all
    select component_code from {{ ref('codebook_partnership_components') }}
),

labels as (
    select sentence_id, language, unnest({{ split_list('must_match') }}) as concept_code, true as expected
    from {{ ref('theme_coding_labelled_sentences') }}
    union all
    select sentence_id, language, unnest({{ split_list('must_not_match') }}), false
    from {{ ref('theme_coding_labelled_sentences') }}
),

cells as (
    select c.concept_code, l.language
    from concepts as c
    cross join (select unnest(['en', 'fr', 'es', 'pt']) as language) as l
)

select cells.concept_code, cells.language, 'missing must or must-not sentence' as problem
from cells
left join labels
    on cells.concept_code = labels.concept_code
    and cells.language = labels.language
group by cells.concept_code, cells.language
having count(*) filter (where labels.expected) = 0 or count(*) filter (where not labels.expected) = 0
union all
select concept_code, language, 'unknown concept ' || sentence_id
from labels
where concept_code not in (select concept_code from concepts)
union all
select concept_code, language, 'both must and must not ' || sentence_id
from labels
group by sentence_id, concept_code, language
having count(distinct expected) > 1
