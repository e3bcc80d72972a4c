{#- Fails when the model has no rows at all. -#}
{% test not_empty(model) %}
select 1 as no_rows where (select count(*) from {{ model }}) = 0
{% endtest %}
