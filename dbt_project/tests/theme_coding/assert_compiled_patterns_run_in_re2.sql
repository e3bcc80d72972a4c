{{ config(meta={'dagster': {'ref': {'name': 'int_codebook_patterns_compiled'}}}) }}
-- Compiled patterns and exclusions that DuckDB's RE2 rejects (the query errors, failing the test)
-- or that match the empty string (an empty match would code every text).
select pattern_id, concept_code, language, pattern, compiled_pattern
from {{ ref('int_codebook_patterns_compiled') }}
where regexp_matches('', compiled_pattern)
    or regexp_matches(' ', compiled_pattern)
