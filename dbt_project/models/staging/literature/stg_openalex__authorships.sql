with authorships as (
    select
        {{ surrogate_key(['_query_id', '_run_id', '_page', '_position']) }} as raw_row_key,
        replace(id, 'https://openalex.org/', '') as work_id,
        unnest(authorships) as authorship,
        generate_subscripts(authorships, 1) as author_order
    from {{ source('literature', 'openalex_works') }}
)

select
    raw_row_key,
    work_id,
    cast(author_order as integer) as author_order,
    authorship.author_position as author_position,
    replace(authorship.author.id, 'https://openalex.org/', '') as author_id,
    coalesce(authorship.author.display_name, authorship.raw_author_name) as author_name,
    replace(authorship.author.orcid, 'https://orcid.org/', '') as orcid,
    coalesce(authorship.is_corresponding, false) as is_corresponding,
    list_transform(authorship.institutions, i -> {
        'institution_id': replace(i.id, 'https://openalex.org/', ''),
        'institution_name': i.display_name,
        'ror': i.ror,
        'iso2_code': upper(i.country_code),
        'institution_type': i.type
    }) as institutions,
    list_transform(coalesce(authorship.countries, []), c -> upper(c)) as iso2_codes
from authorships
