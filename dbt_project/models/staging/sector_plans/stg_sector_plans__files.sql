select
    cast(doc_id as varchar) as doc_id,
    cast(document_url as varchar) as document_url,
    cast(document_sha256 as varchar) as document_sha256,
    cast(size_bytes as bigint) as size_bytes,
    cast(content_type as varchar) as content_type,
    cast(store_path as varchar) as store_path,
    cast(page_count as integer) as page_count,
    cast(pages_without_text as integer) as pages_without_text,
    cast(_fetched_at as timestamptz) as fetched_at
from {{ source('sector_plans', 'sector_plan_files') }}
