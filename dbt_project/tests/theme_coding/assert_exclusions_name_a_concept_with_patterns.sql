{{ config(meta={'dagster': {'ref': {'name': 'codebook_pattern_exclusions'}}}) }}
-- Exclusions for a concept and language that has no pattern (they could never apply).
select e.*
from {{ ref('codebook_pattern_exclusions') }} as e
where not exists (
    select 1
    from {{ ref('codebook_patterns') }} as p
    where p.concept_type = e.concept_type
        and p.concept_code = e.concept_code
        and p.language = e.language
)
