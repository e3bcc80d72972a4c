select
    cast(doc_id as varchar) as doc_id,
    cast(page_no as integer) as page_no,
    cast(text as varchar) as page_text,
    cast(has_text as boolean) as has_text,
    cast(char_count as integer) as char_count,
    cast(document_sha256 as varchar) as document_sha256,
    cast(_extracted_at as timestamptz) as extracted_at
from {{ source('sector_plans', 'sector_plan_pages') }}
