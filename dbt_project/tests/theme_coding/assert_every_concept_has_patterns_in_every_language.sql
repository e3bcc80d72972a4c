{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Concepts (of any type) lacking a pattern in English, French, Spanish or Portuguese.
with concepts as (
    {{ codebook_concepts() }}
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
