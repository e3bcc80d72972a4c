{#- Fails when the model has no rows at all. With `when_has_rows`, only when that relation (the
    model's source) has rows: a source with data must reach the model, while an empty source is
    reported by a second, warning-severity not_empty (each source builds and publishes alone). -#}
{% test not_empty(model, when_has_rows=none) %}
select 1 as no_rows
where (select count(*) from {{ model }}) = 0
{%- if when_has_rows is not none %}
    and exists (select 1 from {{ when_has_rows }})
{%- endif %}
{% endtest %}
