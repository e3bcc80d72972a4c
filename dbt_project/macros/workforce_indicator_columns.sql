{#- The configured indicators' latest-value column names, read from the seed
    workforce_indicators at run time (empty while dbt only parses). -#}
{% macro workforce_indicator_columns() %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query(
        "select indicator_code, column_name from " ~ ref('workforce_indicators') ~ " order by column_name"
    ) -%}
    {{ return(rows.rows | list) }}
{% endmacro %}
