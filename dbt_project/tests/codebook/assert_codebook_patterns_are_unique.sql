{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Duplicate (concept_type, concept_code, language, pattern) rows in codebook_patterns.
select concept_type, concept_code, language, pattern, count(*) as n_rows
from {{ ref('codebook_patterns') }}
group by concept_type, concept_code, language, pattern
having count(*) > 1
