select
    file_id,
    file_sha256,
    file_name,
    organisation,
    entry_path,
    cast(delivered_at as timestamptz) as delivered_at,
    file_format,
    encoding,
    cast(size_bytes as bigint) as size_bytes,
    cast(rows_read as integer) as rows_read,
    cast(rows_loaded as integer) as rows_loaded,
    cast(rows_quarantined as integer) as rows_quarantined,
    cast(columns_not_supplied as varchar[]) as columns_not_supplied,
    cast(columns_supplied as varchar[]) as columns_supplied,
    status,
    message,
    cast(loaded_at as timestamptz) as loaded_at
from {{ source('programme_records', 'programme_record_files') }}
