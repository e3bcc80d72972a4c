select
    source,
    query_id,
    run_id,
    cast(page as integer) as page_number,
    page_position,
    cast(record_position as integer) as record_position,
    case when record_position is null then 'page' else 'record' end as item_kind,
    file as page_file,
    url,
    reason,
    raw_record,
    cast(fetched_at as timestamptz) as fetched_at,
    cast(loaded_at as timestamptz) as loaded_at
from {{ source('literature', 'literature_quarantine') }}
