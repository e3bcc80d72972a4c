select
    'wb_api' as source,
    cast(indicator_code as varchar) as indicator_code,
    cast(last_updated as date) as last_updated,
    cast(scope as varchar) as scope,
    cast(pages as integer) as pages,
    cast(rows_read as integer) as rows_read,
    cast(rows_loaded as integer) as rows_loaded,
    cast(rows_quarantined as integer) as rows_quarantined,
    cast(status as varchar) as status,
    cast(message as varchar) as message,
    cast(_load_id as varchar) as load_id,
    cast(_fetched_at as timestamptz) as loaded_at
from {{ source('worldbank', 'worldbank_api_loads') }}
union all
select
    'wb_bulk_csv' as source,
    unnest(indicator_codes) as indicator_code,
    cast(last_updated as date) as last_updated,
    cast(file_name as varchar) as scope,
    0 as pages,
    cast(rows_read as integer) as rows_read,
    cast(rows_loaded as integer) as rows_loaded,
    cast(rows_quarantined as integer) as rows_quarantined,
    'loaded' as status,
    'file sha256 ' || file_sha256 as message,
    cast(_load_id as varchar) as load_id,
    cast(_fetched_at as timestamptz) as loaded_at
from {{ source('worldbank', 'worldbank_bulk_files') }}
