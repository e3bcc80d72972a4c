select
    cast(stage as varchar) as stage,
    cast(source as varchar) as source,
    cast(record_ref as varchar) as record_ref,
    cast(row_number as integer) as row_number,
    cast(reason_codes as varchar[]) as reason_codes,
    cast(reason as varchar) as reason,
    cast(raw as varchar) as raw_record,
    cast(fetched_at as timestamptz) as quarantined_at
from {{ source('sector_plans', 'sector_plans_quarantine') }}
