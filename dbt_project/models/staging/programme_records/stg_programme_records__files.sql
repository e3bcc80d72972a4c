select
    file_sha256,
    file_name,
    file_format,
    encoding,
    cast(size_bytes as bigint) as size_bytes,
    archive_path,
    cast(rows_read as integer) as rows_read,
    cast(rows_loaded as integer) as rows_loaded,
    cast(rows_quarantined as integer) as rows_quarantined,
    status,
    message,
    cast(loaded_at as timestamptz) as loaded_at
from {{ source('programme_records', 'programme_record_files') }}
