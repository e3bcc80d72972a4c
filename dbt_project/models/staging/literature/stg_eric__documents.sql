select
    {{ surrogate_key(['_query_id', '_run_id', '_page', '_position']) }} as raw_row_key,
    id as eric_id,
    {{ html_unescape('title') }} as title,
    coalesce(author, []) as authors,
    {{ html_unescape('description') }} as abstract,
    coalesce(subject, []) as descriptors,
    coalesce(publicationtype, []) as publication_types,
    cast(publicationdateyear as integer) as publication_year,
    coalesce(language, []) as languages,
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
from {{ source('literature', 'eric_documents') }}
