-- One row per catalogue document, typed. A document loaded both from the export and from a
-- scrape (same document_url, two doc_ids) is kept once, preferring the export row.
with ranked as (
    select
        *,
        row_number() over (
            partition by document_url
            order by starts_with(doc_id, 'pp_'), _fetched_at desc, doc_id
        ) as url_rank
    from {{ source('sector_plans', 'sector_plan_documents') }}
)

select
    cast(doc_id as varchar) as doc_id,
    cast(plan_key as varchar) as plan_key,
    cast(title as varchar) as title,
    cast(country_as_written as varchar) as country_as_written,
    cast(country_codes as varchar[]) as country_codes,
    cast(country_code as varchar) as country_code,
    cast(listed_year as integer) as listed_year,
    cast(period_start_year as integer) as period_start_year,
    cast(period_end_year as integer) as period_end_year,
    cast(period_label as varchar) as period_label,
    -- rows loaded before the column existed all had their period from the title
    cast(coalesce(period_source, 'title') as varchar) as period_source,
    cast(period_note as varchar) as period_note,
    cast(period_calendar as varchar) as period_calendar,
    cast(period_converted as boolean) as period_converted,
    cast(other_calendar_label as varchar) as other_calendar_label,
    cast(languages as varchar[]) as languages,
    cast(resource_types as varchar[]) as resource_types,
    cast(page_url as varchar) as page_url,
    cast(page_url_year as integer) as page_url_year,
    cast(page_slug as varchar) as page_slug,
    cast(year_differs_from_page_url as boolean) as year_differs_from_page_url,
    cast(documents_on_page as integer) as documents_on_page,
    cast(document_url as varchar) as document_url,
    cast(document_url_repaired as boolean) as document_url_repaired,
    cast(document_file_name as varchar) as document_file_name,
    cast(document_format as varchar) as document_format,
    cast(source_row_number as integer) as source_row_number,
    cast(_source as varchar) as loaded_from,
    cast(_source_sha256 as varchar) as loaded_from_sha256,
    cast(_row_number as integer) as loaded_row_number,
    cast(_record_hash as varchar) as record_hash,
    cast(_fetched_at as timestamptz) as fetched_at
from ranked
where url_rank = 1
