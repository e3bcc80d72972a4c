select
    _file_id as file_id,
    _file_sha256 as file_sha256,
    _file_name as file_name,
    _organisation as organisation,
    cast(_row_number as integer) as row_number,
    programme_ref,
    cast(reasons as varchar[]) as reasons,
    reason,
    raw_record,
    cast(raw_record_length as bigint) as raw_record_length,
    cast(_loaded_at as timestamptz) as loaded_at
from {{ source('programme_records', 'programme_records_quarantine') }}
