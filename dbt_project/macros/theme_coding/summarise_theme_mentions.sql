{#- From mentions (the output of code_texts) to one row per text and concept: what
    fct_plan_theme will select from fct_plan_theme_mention. `id_columns` identify a text
    (e.g. ['plan_id']). (fct_publication_theme codes sentence by sentence, so it counts
    (sentence, position) pairs itself.) Output: the id columns, concept_type, concept_code, mention_count
    (distinct matched positions, so two patterns matching the same words count once),
    languages (of the patterns that matched), first_char_offset, example_context. -#}
{% macro summarise_theme_mentions(mentions_relation, id_columns) -%}
select
    {%- for column in id_columns %}
    {{ column }},
    {%- endfor %}
    concept_type,
    concept_code,
    count(distinct char_offset) as mention_count,
    list(distinct language order by language) as languages,
    min(char_offset) as first_char_offset,
    arg_min(context, char_offset) as example_context
from {{ mentions_relation }}
group by {% for column in id_columns %}{{ column }}, {% endfor %}concept_type, concept_code
{%- endmacro %}
