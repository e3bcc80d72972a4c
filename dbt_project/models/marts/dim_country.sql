-- depends_on: {{ ref('workforce_indicators') }}
{%- set indicators = workforce_indicator_columns() %}
with latest as (
    -- the latest year with a value, per country and indicator
    select country_code, indicator_code, value, year
    from {{ ref('fct_workforce_indicator') }}
    qualify row_number() over (partition by country_code, indicator_code order by year desc) = 1
)

select
    countries.country_code,
    countries.iso2_code,
    countries.country_name,
    countries.region,
    countries.income_group
    {%- for indicator in indicators %},
    max(latest.value) filter (where latest.indicator_code = '{{ indicator[0] }}')
        as {{ indicator[1] }},
    max(latest.year) filter (where latest.indicator_code = '{{ indicator[0] }}')
        as {{ indicator[1] }}_year
    {%- endfor %}
from {{ ref('countries') }} as countries
left join latest using (country_code)
group by all
