{{ config(meta={'dagster': {'ref': {'name': 'codebook_patterns'}}}) }}
-- Patterns and exclusions that break the writing rules of docs/theme_coding.md: a leading or
-- trailing \b (the engine adds Unicode-aware boundaries), a typographic
-- apostrophe (text apostrophes are normalised to '), or a space inside a [...] class other than
-- "[- ]" (the engine rewrites spaces, which would corrupt the class). Upper case is allowed: it
-- makes the pattern a case-sensitive acronym (COGES).
with rules_input as (
    select 'pattern' as seed, concept_code, language, pattern from {{ ref('codebook_patterns') }}
    union all
    select 'exclusion', concept_code, language, pattern from {{ ref('codebook_pattern_exclusions') }}
)

select *
from rules_input
where starts_with(pattern, '\b')
    or ends_with(pattern, '\b')
    or pattern like '%’%'
    or regexp_matches(replace(pattern, '[- ]', ''), '\[[^\]]* [^\]]*\]')
