-- aggregate_kind is derived from the metadata itself: an aggregate is a region (an income
-- group) when some economy names it as its region (its income level).
with economies as (
    select
        cast(economy_code as varchar) as economy_code,
        nullif(cast(iso2_code as varchar), '') as iso2_code,
        cast(economy_name as varchar) as economy_name,
        nullif(cast(region_id as varchar), '') as region_id,
        nullif(cast(region_name as varchar), '') as region_name,
        nullif(cast(income_level_id as varchar), '') as income_level_id,
        nullif(cast(income_level_name as varchar), '') as income_level_name,
        nullif(cast(lending_type_id as varchar), '') as lending_type_id,
        nullif(cast(lending_type_name as varchar), '') as lending_type_name,
        coalesce(region_name, '') = 'Aggregates' as is_aggregate,
        cast(_source_url as varchar) as loaded_from,
        cast(_fetched_at as timestamptz) as fetched_at
    from {{ source('worldbank', 'worldbank_economies') }}
)

select
    economies.*,
    case
        when not is_aggregate then null
        when economy_code in (
            select region_id from economies where not is_aggregate and region_id is not null
        ) then 'region'
        when economy_code in (
            select income_level_id from economies
            where not is_aggregate and income_level_id is not null
        ) then 'income_group'
        else 'other'
    end as aggregate_kind
from economies
