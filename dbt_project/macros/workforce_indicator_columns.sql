{#- The configured indicators' latest-value column names, read from the seed
    workforce_indicators at run time (empty while dbt only parses, and when the seed is not
    loaded yet: `dbt docs generate` or `compile` on a fresh warehouse). -#}
{% macro workforce_indicator_columns() %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set seed = ref('workforce_indicators') -%}
    {%- if adapter.get_relation(database=seed.database, schema=seed.schema, identifier=seed.identifier) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set rows = run_query(
        "select indicator_code, column_name from " ~ seed ~ " order by column_name"
    ) -%}
    {{ return(rows.rows | list) }}
{% endmacro %}
