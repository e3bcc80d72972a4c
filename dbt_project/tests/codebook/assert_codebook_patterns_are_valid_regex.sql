{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Patterns that are not valid RE2 regular expressions. DuckDB raises an error when it compiles an
-- invalid pattern, which fails this test (intended); a null result is also reported.
select concept_type, concept_code, language, pattern
from {{ ref('codebook_patterns') }}
where regexp_matches('', pattern, 'i') is null
