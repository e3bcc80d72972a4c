select
    source,
    query_id,
    run_id,
    cast(page as integer) as page_number,
    file as page_file,
    status,
    page_position,
    url,
    cast(fetched_at as timestamptz) as fetched_at,
    sha256 as page_sha256,
    cast(size_bytes as bigint) as size_bytes,
    cast(records as integer) as records,
    reason,
    cast(loaded_at as timestamptz) as loaded_at
from {{ source('literature', 'literature_pages') }}
