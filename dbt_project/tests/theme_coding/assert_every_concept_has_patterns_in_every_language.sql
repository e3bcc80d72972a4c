{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Concepts (of any type) lacking a pattern in English, French, Spanish or Portuguese.
with concepts as (
    select 'team_kind' as concept_type, team_kind_code as concept_code from {{ ref('codebook_team_kinds') }}
    union all
    select 'collaboration_model', collaboration_model_code from {{ ref('codebook_collaboration_models') }}
    union all
    select 'actor', actor_code from {{ ref('codebook_actors') }}
    union all
    select 'partnership_component', component_code from {{ ref('codebook_partnership_components') }}
),

languages as (
    select unnest(['en', 'fr', 'es', 'pt']) as language
)

select c.concept_type, c.concept_code, l.language
from concepts as c
cross join languages as l
where not exists (
    select 1
    from {{ ref('codebook_patterns') }} as p
    where p.concept_type = c.concept_type
        and p.concept_code = c.concept_code
        and p.language = l.language
)
