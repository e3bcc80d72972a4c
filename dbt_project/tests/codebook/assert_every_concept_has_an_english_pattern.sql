{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Concepts (team kinds, collaboration models, actors, partnership components) with fewer than
-- two English patterns.
with concepts as (
    {{ codebook_concepts() }}
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
