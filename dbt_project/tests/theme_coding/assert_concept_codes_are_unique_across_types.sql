{{ config(meta={'dagster': {'ref': {'name': 'codebook_team_kinds'}}}) }}
-- Concept codes used by more than one concept type (the labelled sentences name concepts by
-- code alone, so codes must be unique across the four codebook tables).
with concepts as (
    {{ codebook_concepts() }}
)

select concept_code, count(*) as n_types
from concepts
group by concept_code
having count(*) > 1
