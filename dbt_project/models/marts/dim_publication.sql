-- One row per publication after deduplication across OpenAlex and ERIC (see
-- int_literature_records_matched for the rules). Attributes come from the preferred record,
-- ERIC-only attributes (descriptors, peer review, education levels) from the ERIC record.
-- The language a publication is coded in (coding_language) is its language when the codebook
-- has patterns in it; otherwise every language's patterns apply (coding_language_source 'all').
with records as (
    select * from {{ ref('int_publications_clustered') }}
),

codebook_languages as (
    select distinct language from {{ ref('codebook_patterns') }}
),

publications as (
select
    publication_sk,
    arg_min(title, preference) as title,
    arg_min(publication_year, preference) as publication_year,
    arg_min(doi, preference) filter (where doi is not null) as doi,
    arg_min(publication_type, preference) as publication_type,
    arg_min(language, preference) filter (where language is not null) as language,
    arg_min(abstract, preference) filter (where abstract is not null) as abstract,
    arg_min(source_name, preference) filter (where source_name is not null) as source_name,
    arg_min(is_open_access, preference) filter (where source = 'openalex') as is_open_access,
    arg_min(oa_status, preference) filter (where source = 'openalex') as oa_status,
    arg_min(oa_url, preference) filter (where source = 'openalex') as oa_url,
    arg_min(cited_by_count, preference) filter (where source = 'openalex') as cited_by_count,
    arg_min(primary_topic, preference) filter (where source = 'openalex') as primary_topic,
    arg_min(is_peer_reviewed, preference) filter (where source = 'eric') as is_peer_reviewed,
    coalesce(arg_min(descriptors, preference) filter (where source = 'eric'), [])
        as eric_descriptors,
    coalesce(arg_min(education_levels, preference) filter (where source = 'eric'), [])
        as education_levels,
    arg_min(source_id, preference) filter (where source = 'openalex') as openalex_id,
    arg_min(source_id, preference) filter (where source = 'eric') as eric_id,
    arg_min(fulltext_url, preference) filter (where fulltext_url is not null) as fulltext_url,
    list(distinct source order by source) as sources,
    list(record_key order by preference) as source_record_keys,
    cast(count(*) as integer) as source_record_count,
    list_sort(list_distinct(flatten(list(query_ids)))) as query_ids,
    any_value(match_rules) as match_rules,
    -- the author list shown (fct_publication_author) is OpenAlex's when there is an OpenAlex
    -- record, else ERIC's, which may end with "And Others"
    coalesce(
        arg_min(authors_truncated, preference) filter (where source = 'eric'), false
    ) and count(*) filter (where source = 'openalex') = 0 as authors_truncated
from records
group by publication_sk
)

select
    p.*,
    c.language as coding_language,
    case when c.language is not null then 'source' else 'all' end as coding_language_source
from publications as p
left join codebook_languages as c on c.language = p.language
