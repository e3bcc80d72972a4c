-- One value per economy × indicator × year, from whichever input holds the newer release:
-- the later last_updated wins, the API on a tie (it is the live source); then the later load.
select
    values.*,
    economies.is_aggregate,
    economies.aggregate_kind,
    economies.economy_name as economy_name_current
from {{ ref('stg_worldbank__indicator_values') }} as values
inner join {{ ref('stg_worldbank__economies') }} as economies using (economy_code)
qualify row_number() over (
    partition by values.economy_code, values.indicator_code, values.year
    order by
        values.last_updated desc nulls last,
        values.source = 'wb_api' desc,
        values.fetched_at desc
) = 1
