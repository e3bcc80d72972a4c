{#- A contracted model's CREATE TABLE column list. On the DuckLake target (`lake`) the columns
    and their types only: DuckLake has no PRIMARY KEY/UNIQUE constraints, so the contract's
    types are still enforced there while the key constraints (kept on the embedded file) are
    left to the dbt tests beside them. -#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- if target.name != 'lake' -%}
        {{ return(table_columns_and_constraints()) }}
    {%- endif -%}
    (
    {% for name, column in model['columns'].items() -%}
        {{ adapter.quote(name) if column.get('quote') else name }} {{ column['data_type'] }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
