{#- Rows for which the SQL expression is not true fail the test (NULL counts as a failure). -#}
{% test expression_is_true(model, expression) %}
select * from {{ model }} where not coalesce(({{ expression }}), false)
{% endtest %}
