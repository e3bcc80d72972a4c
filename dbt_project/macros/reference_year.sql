{#- The year "now" for business rules: var('reference_year') when set (tests), else the current year. -#}
{% macro reference_year() -%}
    {%- if var('reference_year', none) is not none -%}{{ var('reference_year') }}{%- else -%}cast(year(current_date) as integer){%- endif -%}
{%- endmacro %}
