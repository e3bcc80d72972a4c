-- Publication × author, in author order: the authorships of the publication's preferred
-- OpenAlex work (with OpenAlex author ids and ORCIDs), or the ERIC author list when no OpenAlex
-- work was matched.
with publications as (
    select * from {{ ref('int_publications_clustered') }}
),

preferred_openalex as (
    select * from publications
    where source = 'openalex'
    qualify row_number() over (partition by publication_sk order by preference) = 1
),

preferred_eric as (
    select * from publications
    where source = 'eric'
        and publication_sk not in (select publication_sk from preferred_openalex)
    qualify row_number() over (partition by publication_sk order by preference) = 1
),

eric_authors as (
    select
        publication_sk,
        unnest(authors) as author_name,
        generate_subscripts(authors, 1) as author_order
    from preferred_eric
    inner join {{ ref('stg_eric__documents') }} using (raw_row_key)
)

select
    {{ surrogate_key(['p.publication_sk', 'a.author_order']) }} as publication_author_sk,
    p.publication_sk,
    a.author_order,
    a.author_id,
    a.author_name,
    a.orcid,
    a.author_position,
    a.is_corresponding,
    'openalex' as source
from preferred_openalex as p
inner join {{ ref('stg_openalex__authorships') }} as a using (raw_row_key)

union all

select
    {{ surrogate_key(['publication_sk', 'author_order']) }},
    publication_sk,
    cast(author_order as integer),
    cast(null as varchar),
    author_name,
    cast(null as varchar),
    cast(null as varchar),
    cast(null as boolean),
    'eric'
from eric_authors
