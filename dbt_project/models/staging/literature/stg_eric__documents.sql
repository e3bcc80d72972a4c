-- ERIC writes "And Others" after the first authors of a long author list: not an author, but
-- the sign that the list is truncated (authors_truncated).
with documents as (
    select
        *,
        {{ surrogate_key(['_query_id', '_run_id', '_page', '_position']) }} as raw_row_key,
        list_filter(coalesce(author, []), a -> regexp_matches(a, '^\s*and\s+others\.?\s*$', 'i'))
            as author_markers
    from {{ source('literature', 'eric_documents') }}
),

languages as (
    -- the document's ISO 639-1 code when every language ERIC lists maps to the same one
    select
        d.raw_row_key,
        min(x.language_code) as language_code,
        count(distinct x.language_code) = 1 and count(*) = count(x.language_code) as is_one_known
    from (
        select raw_row_key, unnest(language) as language_as_written
        from documents
    ) as d
    left join {{ ref('xwalk_eric_languages') }} as x using (language_as_written)
    group by d.raw_row_key
)

select
    raw_row_key,
    id as eric_id,
    {{ html_unescape('title') }} as title,
    list_filter(coalesce(author, []), a -> not list_contains(author_markers, a)) as authors,
    len(author_markers) > 0 as authors_truncated,
    {{ html_unescape('description') }} as abstract,
    coalesce(subject, []) as descriptors,
    coalesce(publicationtype, []) as publication_types,
    cast(publicationdateyear as integer) as publication_year,
    coalesce(language, []) as languages,
    case when l.is_one_known then l.language_code end as language_code,
    coalesce(issn, []) as issns,
    coalesce(isbn, []) as isbns,
    source as source_name,
    publisher,
    case peerreviewed when 'T' then true when 'F' then false end as is_peer_reviewed,
    case json_type(educationlevel)
        when 'ARRAY' then cast(educationlevel as varchar[])
        when 'VARCHAR' then [educationlevel ->> '$']
        else []
    end as education_levels,
    url,
    {{ normalise_doi('url') }} as doi,
    case when starts_with(id, 'EJ') then 'journal_article' else 'other_document' end
        as document_kind,
    'https://eric.ed.gov/?id=' || id as record_url,
    case when try_cast(e_fulltextauth ->> '$' as integer) = 1
        then 'https://files.eric.ed.gov/fulltext/' || id || '.pdf' end as fulltext_url,
    _query_id as query_id,
    _run_id as run_id,
    _file as page_file,
    cast(_page as integer) as page_number,
    cast(_page_position as integer) as page_offset,
    cast(_position as integer) as page_row,
    _page_sha256 as page_sha256,
    cast(_fetched_at as timestamptz) as fetched_at,
    cast(_loaded_at as timestamptz) as loaded_at
from documents
left join languages as l using (raw_row_key)
