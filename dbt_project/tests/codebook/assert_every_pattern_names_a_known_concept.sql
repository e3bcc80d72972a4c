{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Pattern rows whose concept_code does not exist in the codebook table for its concept_type.
with known_concepts as (
    {{ codebook_concepts() }}
)

select p.*
from {{ ref('codebook_patterns') }} as p
left join known_concepts as k
    on p.concept_type = k.concept_type
    and p.concept_code = k.concept_code
where k.concept_code is null
