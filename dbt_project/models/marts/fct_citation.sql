-- Citation edges between publications we hold: an OpenAlex work of the citing publication
-- lists, in referenced_works, an OpenAlex work that belongs to the cited one.
with records as (
    select * from {{ ref('int_publications_clustered') }}
),

citing as (
    select r.publication_sk, unnest(w.referenced_work_ids) as cited_work_id
    from records as r
    inner join {{ ref('stg_openalex__works') }} as w using (raw_row_key)
    where r.source = 'openalex'
)

select distinct
    {{ surrogate_key(['citing.publication_sk', 'cited.publication_sk']) }} as citation_sk,
    citing.publication_sk as citing_publication_sk,
    cited.publication_sk as cited_publication_sk
from citing
inner join records as cited
    on cited.source = 'openalex' and cited.source_id = citing.cited_work_id
where citing.publication_sk <> cited.publication_sk
