-- One row per source record (OpenAlex work, ERIC document) in a common shape, from its latest
-- copy: the most recently updated, then most recently fetched, row of raw data.
with openalex as (
    select
        *,
        list(distinct query_id) over (partition by work_id) as query_ids
    from {{ ref('stg_openalex__works') }}
    qualify row_number() over (
        partition by work_id
        order by updated_at desc nulls last, fetched_at desc, run_id desc, page_number, page_row
    ) = 1
),

eric as (
    select
        *,
        list(distinct query_id) over (partition by eric_id) as query_ids
    from {{ ref('stg_eric__documents') }}
    qualify row_number() over (
        partition by eric_id
        order by fetched_at desc, run_id desc, page_number, page_row
    ) = 1
)

select
    'openalex:' || work_id as record_key,
    'openalex' as source,
    work_id as source_id,
    raw_row_key,
    doi,
    title,
    {{ normalise_title('title') }} as title_normalised,
    publication_year,
    list_filter(list_transform(author_names, a -> {{ author_surname('a') }}), s -> s is not null)
        as author_surnames,
    abstract,
    work_type as publication_type,
    language,
    source_name,
    is_open_access,
    oa_status,
    oa_url,
    cited_by_count,
    cast(null as boolean) as is_peer_reviewed,
    cast([] as varchar[]) as descriptors,
    cast([] as varchar[]) as education_levels,
    primary_topic,
    topic_names,
    work_url as record_url,
    cast(null as varchar) as fulltext_url,
    list_sort(query_ids) as query_ids,
    fetched_at,
    false as authors_truncated
from openalex

union all

select
    'eric:' || eric_id,
    'eric',
    eric_id,
    raw_row_key,
    doi,
    title,
    {{ normalise_title('title') }},
    publication_year,
    list_filter(list_transform(authors, a -> {{ author_surname('a') }}), s -> s is not null),
    abstract,
    publication_types[1],
    language_code,
    source_name,
    cast(null as boolean),
    cast(null as varchar),
    cast(null as varchar),
    cast(null as integer),
    is_peer_reviewed,
    descriptors,
    education_levels,
    cast(null as varchar),
    cast([] as varchar[]),
    record_url,
    fulltext_url,
    list_sort(query_ids),
    fetched_at,
    authors_truncated
from eric
