-- Country × indicator × year: the country's value beside the median of the countries in the
-- same region and in the same income group (World Bank classification on dim_country), computed
-- from the same country rows of fct_workforce_indicator (not the World Bank's own, weighted,
-- aggregates), with how many countries each median is over.
with values as (
    select
        v.country_code,
        c.country_name,
        c.region,
        c.income_group,
        v.indicator_code,
        v.year,
        v.value,
        v.source,
        v.last_updated
    from {{ ref('fct_workforce_indicator') }} as v
    inner join {{ ref('dim_country') }} as c on v.country_code = c.country_code
)

select
    values.country_code,
    values.country_name,
    values.region,
    values.income_group,
    values.indicator_code,
    indicators.indicator_name,
    indicators.short_label,
    indicators.unit,
    values.year,
    values.value,
    -- an unclassified country (NULL region or income group) gets no median, not one over
    -- every other unclassified territory
    case when values.region is not null then median(values.value) over by_region end
        as region_median,
    case when values.region is not null then count(*) over by_region else 0 end
        as region_country_count,
    case when values.income_group is not null then median(values.value) over by_income end
        as income_group_median,
    case when values.income_group is not null then count(*) over by_income else 0 end
        as income_group_country_count,
    values.source,
    values.last_updated
from values
inner join {{ ref('workforce_indicators') }} as indicators
    on values.indicator_code = indicators.indicator_code
window
    by_region as (partition by values.region, values.indicator_code, values.year),
    by_income as (partition by values.income_group, values.indicator_code, values.year)
