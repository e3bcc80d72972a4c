{%- set columns -%}
    cast(indicator_code as varchar) as indicator_code,
    cast(indicator_name as varchar) as indicator_name_as_loaded,
    cast(economy_code as varchar) as economy_code,
    cast(economy_name as varchar) as economy_name,
    cast(year as integer) as year,
    cast(value as double) as value,
    nullif(cast(obs_status as varchar), '') as obs_status,
    cast(last_updated as date) as last_updated,
    cast(_source_url as varchar) as loaded_from,
    cast(_load_id as varchar) as load_id,
    cast(_fetched_at as timestamptz) as fetched_at
{%- endset %}

select 'wb_api' as source, {{ columns }}
from {{ source('worldbank', 'worldbank_api_values') }}
union all
select 'wb_bulk_csv' as source, {{ columns }}
from {{ source('worldbank', 'worldbank_bulk_values') }}
