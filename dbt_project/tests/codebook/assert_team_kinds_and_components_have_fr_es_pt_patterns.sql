{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Team kinds and partnership components lacking a pattern in French, Spanish or Portuguese.
with concepts as (
    select 'team_kind' as concept_type, team_kind_code as concept_code from {{ ref('codebook_team_kinds') }}
    union all
    select 'partnership_component', component_code from {{ ref('codebook_partnership_components') }}
),

languages as (
    select unnest(['fr', 'es', 'pt']) as language
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
