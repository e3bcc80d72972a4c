select
    values.economy_code as aggregate_code,
    values.economy_name_current as aggregate_name,
    values.aggregate_kind,
    values.indicator_code,
    values.year,
    values.value,
    indicators.indicator_name,
    indicators.unit,
    values.source,
    values.last_updated
from {{ ref('int_indicator_values_deduplicated') }} as values
inner join {{ ref('workforce_indicators') }} as indicators using (indicator_code)
where values.is_aggregate
