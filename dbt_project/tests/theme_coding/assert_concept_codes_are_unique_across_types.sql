{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Concept codes used by more than one concept type (the labelled sentences name concepts by
-- code alone, so codes must be unique across the four codebook tables).
with concepts as (
    select 'team_kind' as concept_type, team_kind_code as concept_code from {{ ref('codebook_team_kinds') }}
    union all
    select 'collaboration_model', collaboration_model_code from {{ ref('codebook_collaboration_models') }}
    union all
    select 'actor', actor_code from {{ ref('codebook_actors') }}
    union all
    select 'partnership_component', component_code from {{ ref('codebook_partnership_components') }}
)

select concept_code, count(*) as n_types
from concepts
group by concept_code
having count(*) > 1
