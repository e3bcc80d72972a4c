{#- A contracted model's CREATE TABLE column list. On the DuckLake target (`lake`) the columns,
    their types and NOT NULL only: DuckLake has no PRIMARY KEY/UNIQUE constraints, so the key
    constraints (kept on the embedded file) are left to the `unique` tests beside them. NOT NULL
    is enforced on both targets, so no model has a not_null test on such a column. -#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- if target.name != 'lake' -%}
        {{ return(table_columns_and_constraints()) }}
    {%- endif -%}
    (
    {% for name, column in model['columns'].items() -%}
        {%- set not_null = column.get('constraints', []) | selectattr('type', 'equalto', 'not_null') | list -%}
        {{ adapter.quote(name) if column.get('quote') else name }} {{ column['data_type'] }}{{ " not null" if not_null }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
