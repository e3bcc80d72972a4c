-- One row per education sector plan (a Planipolis plan page and its documents), with what
-- became of its load: loaded, partially_loaded (some documents quarantined), failed (none
-- could be used) or not_loaded (not a focus country, or not yet run).
with documents as (
    select
        *,
        -- the plan's period comes from its documents with the best period source
        case period_source
            when 'title' then 1 when 'listed_year_to_title_year' then 2 else 3
        end as period_rank,
        min(case period_source
            when 'title' then 1 when 'listed_year_to_title_year' then 2 else 3
        end) over (partition by plan_key) as best_period_rank
    from {{ ref('stg_sector_plans__documents') }}
    where plan_key is not null
),

files as (
    select * from {{ ref('stg_sector_plans__files') }}
),

failures as (
    select record_ref as doc_id, reason
    from {{ ref('stg_sector_plans__quarantined_items') }}
    where stage in ('download', 'extract')
),

languages as (
    select language_as_written, language_code from {{ ref('xwalk_planipolis_languages') }}
),

plans as (
    select
        d.plan_key,
        any_value(d.country_code) as country_code,
        any_value(d.country_codes) as country_codes,
        arg_min(d.title, d.doc_id) as title,
        min(d.period_start_year) filter (where d.period_rank = d.best_period_rank)
            as period_start_year,
        max(d.period_end_year) filter (where d.period_rank = d.best_period_rank)
            as period_end_year,
        arg_min(d.period_label, d.doc_id) filter (where d.period_rank = d.best_period_rank)
            as period_label,
        arg_min(d.period_source, d.doc_id) filter (where d.period_rank = d.best_period_rank)
            as period_source,
        min(d.listed_year) as listed_year,
        list_sort(list_distinct(flatten(list(d.languages)))) as languages,
        any_value(d.page_url) as page_url,
        list(d.document_url order by d.doc_id) as document_urls,
        count(*) as document_count,
        count(f.doc_id) as documents_loaded,
        coalesce(sum(f.page_count), 0)::bigint as page_count,
        coalesce(sum(f.page_count - f.pages_without_text), 0)::bigint as pages_with_text,
        list(q.reason order by d.doc_id) filter (where q.reason is not null) as failure_reasons,
        max(d.fetched_at) as catalogued_at,
        max(f.fetched_at) as downloaded_at
    from documents as d
    left join files as f on d.doc_id = f.doc_id
    left join failures as q on d.doc_id = q.doc_id and f.doc_id is null
    group by d.plan_key
)

select
    p.plan_key,
    p.country_code,
    p.country_codes,
    c.country_name,
    p.title,
    p.period_start_year,
    p.period_end_year,
    p.period_label,
    p.period_source,
    p.listed_year,
    p.languages,
    case when len(p.languages) = 1 then l.language_code end as language_code,
    p.page_url,
    p.document_urls,
    p.document_count,
    p.documents_loaded,
    p.page_count,
    p.pages_with_text,
    case
        when len(p.failure_reasons) > 0 and p.documents_loaded > 0 then 'partially_loaded'
        when len(p.failure_reasons) > 0 then 'failed'
        when p.documents_loaded = p.document_count then 'loaded'
        else 'not_loaded'
    end as load_status,
    coalesce(p.failure_reasons, []) as failure_reasons,
    p.catalogued_at,
    p.downloaded_at
from plans as p
left join {{ ref('countries') }} as c on p.country_code = c.country_code
left join languages as l on len(p.languages) = 1 and p.languages[1] = l.language_as_written
