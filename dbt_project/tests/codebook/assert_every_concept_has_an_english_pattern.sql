{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Concepts (team kinds, collaboration models, actors, partnership components) with fewer than
-- two English patterns.
with concepts as (
    select 'team_kind' as concept_type, team_kind_code as concept_code from {{ ref('codebook_team_kinds') }}
    union all
    select 'collaboration_model', collaboration_model_code from {{ ref('codebook_collaboration_models') }}
    union all
    select 'actor', actor_code from {{ ref('codebook_actors') }}
    union all
    select 'partnership_component', component_code from {{ ref('codebook_partnership_components') }}
),

english_patterns as (
    select concept_type, concept_code, count(*) as n_patterns
    from {{ ref('codebook_patterns') }}
    where language = 'en'
    group by concept_type, concept_code
)

select c.concept_type, c.concept_code, coalesce(e.n_patterns, 0) as n_english_patterns
from concepts as c
left join english_patterns as e
    on c.concept_type = e.concept_type
    and c.concept_code = e.concept_code
where coalesce(e.n_patterns, 0) < 2
