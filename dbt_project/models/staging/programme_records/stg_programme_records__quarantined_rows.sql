select
    _file_sha256 as file_sha256,
    _file_name as file_name,
    cast(_row_number as integer) as row_number,
    programme_ref,
    cast(reasons as varchar[]) as reasons,
    reason,
    raw_record,
    cast(_loaded_at as timestamptz) as loaded_at
from {{ source('programme_records', 'programme_records_quarantine') }}
