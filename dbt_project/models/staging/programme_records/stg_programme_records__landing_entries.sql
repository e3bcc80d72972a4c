select
    entry_path,
    organisation,
    entry_type,
    cast(size_bytes as bigint) as size_bytes,
    cast(modified_at as timestamptz) as modified_at,
    sha256,
    cast(seen_at as timestamptz) as seen_at,
    outcome,
    reason,
    duplicate_of,
    file_id
from {{ source('programme_records', 'landing_entries') }}
