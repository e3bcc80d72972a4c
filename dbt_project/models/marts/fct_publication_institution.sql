-- Publication × institution of its authors (OpenAlex affiliations of the preferred work),
-- with the institution's country as ISO 3166-1 alpha-3.
with preferred_openalex as (
    select publication_sk, raw_row_key
    from {{ ref('int_publications_clustered') }}
    where source = 'openalex'
    qualify row_number() over (partition by publication_sk order by preference) = 1
),

affiliations as (
    select p.publication_sk, a.author_order, unnest(a.institutions) as institution
    from preferred_openalex as p
    inner join {{ ref('stg_openalex__authorships') }} as a using (raw_row_key)
)

select
    {{ surrogate_key(['publication_sk', 'institution.institution_id']) }}
        as publication_institution_sk,
    publication_sk,
    institution.institution_id as institution_id,
    any_value(institution.institution_name) as institution_name,
    any_value(institution.ror) as ror,
    any_value(institution.institution_type) as institution_type,
    any_value(countries.country_code) as country_code,
    cast(count(distinct author_order) as integer) as author_count
from affiliations
left join {{ ref('countries') }} as countries
    on countries.iso2_code = institution.iso2_code
where institution.institution_id is not null
group by publication_sk, institution.institution_id
