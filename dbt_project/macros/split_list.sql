{#- Split a ';'-separated text into a list of trimmed, non-empty items. -#}
{% macro split_list(column) -%}
    list_filter(list_transform(string_split(coalesce({{ column }}, ''), ';'), x -> trim(x)), x -> x <> '')
{%- endmacro %}
