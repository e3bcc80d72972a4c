{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Pattern rows whose concept_code does not exist in the codebook table for its concept_type.
with known_concepts as (
    select 'team_kind' as concept_type, team_kind_code as concept_code from {{ ref('codebook_team_kinds') }}
    union all
    select 'collaboration_model', collaboration_model_code from {{ ref('codebook_collaboration_models') }}
    union all
    select 'actor', actor_code from {{ ref('codebook_actors') }}
    union all
    select 'partnership_component', component_code from {{ ref('codebook_partnership_components') }}
)

select p.*
from {{ ref('codebook_patterns') }} as p
left join known_concepts as k
    on p.concept_type = k.concept_type
    and p.concept_code = k.concept_code
where k.concept_code is null
