{#- The value of `column` in the latest version that supplied it (the contract column
    `contract_name` is in supplied_columns), over the window `versions`. A version that left the
    column out keeps the earlier value; one that supplied it empty clears it. -#}
{% macro carry_forward(column, contract_name) -%}
    (last_value(
        case when list_contains(supplied_columns, '{{ contract_name }}')
            then struct_pack(v := {{ column }}) end
        ignore nulls
    ) over versions).v
{%- endmacro %}
