{{ config(meta={'dagster': {'ref': {'name': 'codebook_proximity_rules'}}}) }}
-- Proximity rules whose (concept_type, concept_code) is not in the codebook, and rule examples
-- whose concept_code is no concept of the codebook.
with known_concepts as (
    {{ codebook_concepts() }}
)

select 'proximity' as seed, r.concept_type, r.concept_code, r.language
from {{ ref('codebook_proximity_rules') }} as r
left join known_concepts as k
    on r.concept_type = k.concept_type
    and r.concept_code = k.concept_code
where k.concept_code is null

union all

select 'example', null, e.concept_code, e.language
from {{ ref('codebook_rule_examples') }} as e
where e.concept_code not in (select concept_code from known_concepts)
