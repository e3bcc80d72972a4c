{#- The codebook patterns and exclusions as they run: one row per pattern with its stable
    pattern_id and compiled RE2 expression. The only place the seeds become regular
    expressions; code_texts() and the audit model int_codebook_patterns_compiled both use it. -#}
{% macro codebook_compiled_patterns() -%}
    select
        left({{ surrogate_key(['concept_type', 'concept_code', 'language', 'pattern', "'match'"]) }}, 12)
            as pattern_id,
        false as is_exclusion,
        concept_type,
        concept_code,
        language,
        pattern,
        {{ compile_codebook_pattern('pattern') }} as compiled_pattern
    from {{ ref('codebook_patterns') }}
    union all
    select
        left({{ surrogate_key(['concept_type', 'concept_code', 'language', 'pattern', "'exclusion'"]) }}, 12),
        true,
        concept_type,
        concept_code,
        language,
        pattern,
        {{ compile_codebook_pattern('pattern') }}
    from {{ ref('codebook_pattern_exclusions') }}
{%- endmacro %}
