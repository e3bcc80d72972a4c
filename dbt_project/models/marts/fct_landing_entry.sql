-- Every entry ever seen in the programme-records landing folder and what became of it:
-- loaded, partially_loaded, rejected, failed_audit, discarded (from the ingest), or duplicate,
-- ignored, rejected (at the landing step), or pending (delivered, not yet ingested).
with entries as (
    select * from {{ ref('stg_programme_records__landing_entries') }}
),

files as (
    select * from {{ ref('stg_programme_records__files') }}
)

select
    {{ surrogate_key(['entries.entry_path', 'entries.entry_type', 'entries.size_bytes',
                      'entries.modified_at']) }} as landing_entry_sk,
    entries.entry_path,
    entries.organisation,
    entries.entry_type,
    entries.size_bytes,
    entries.modified_at,
    entries.sha256,
    entries.seen_at,
    case
        when entries.outcome = 'to_load' then coalesce(files.status, 'pending')
        else entries.outcome
    end as outcome,
    case
        when entries.outcome = 'to_load' then files.message
        else entries.reason
    end as reason,
    entries.duplicate_of,
    entries.file_id,
    case when entries.outcome = 'to_load' then files.rows_loaded end as rows_loaded,
    case when entries.outcome = 'to_load' then files.rows_quarantined end as rows_quarantined
from entries
left join files
    on entries.file_id = files.file_id
