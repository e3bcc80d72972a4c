{%- set columns -%}
    cast(stage as varchar) as stage,
    cast(source_url as varchar) as source_url,
    cast(indicator_code as varchar) as indicator_code,
    cast(economy_code as varchar) as economy_code,
    cast(year_raw as varchar) as year_raw,
    cast(value_raw as varchar) as value_raw,
    cast(reason_codes as varchar[]) as reason_codes,
    cast(reason as varchar) as reason,
    cast(raw as varchar) as raw_record,
    cast(_load_id as varchar) as load_id,
    cast(_fetched_at as timestamptz) as quarantined_at
{%- endset %}

select 'wb_api' as source, {{ columns }}
from {{ source('worldbank', 'worldbank_api_quarantine') }}
union all
select 'wb_bulk_csv' as source, {{ columns }}
from {{ source('worldbank', 'worldbank_bulk_quarantine') }}
