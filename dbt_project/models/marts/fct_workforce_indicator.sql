select
    values.economy_code as country_code,
    values.indicator_code,
    values.year,
    values.value,
    indicators.indicator_name,
    indicators.unit,
    values.source,
    values.last_updated
from {{ ref('int_indicator_values_deduplicated') }} as values
inner join {{ ref('workforce_indicators') }} as indicators using (indicator_code)
inner join {{ ref('countries') }} as countries on countries.country_code = values.economy_code
where not values.is_aggregate
