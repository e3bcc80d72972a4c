{#- A stable surrogate key from natural-key columns: md5 of the values joined by '|', with
    NULL spelt out so (a, NULL) and (NULL, a) differ. (dbt_utils is unavailable offline.) -#}
{% macro surrogate_key(columns) -%}
    md5(concat_ws('|', {% for c in columns -%}
        coalesce(cast({{ c }} as varchar), '∅'){% if not loop.last %}, {% endif %}
    {%- endfor %}))
{%- endmacro %}
