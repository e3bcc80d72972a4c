-- Publication × country of its authors (ISO 3166-1 alpha-3): the countries OpenAlex gives
-- for each authorship of the preferred work, with the number of its authors there.
with preferred_openalex as (
    select publication_sk, raw_row_key
    from {{ ref('int_publications_clustered') }}
    where source = 'openalex'
    qualify row_number() over (partition by publication_sk order by preference) = 1
),

author_countries as (
    select p.publication_sk, a.author_order, unnest(a.iso2_codes) as iso2_code
    from preferred_openalex as p
    inner join {{ ref('stg_openalex__authorships') }} as a using (raw_row_key)
)

select
    {{ surrogate_key(['ac.publication_sk', 'countries.country_code']) }}
        as publication_country_sk,
    ac.publication_sk,
    countries.country_code,
    cast(count(distinct ac.author_order) as integer) as author_count
from author_countries as ac
inner join {{ ref('countries') }} as countries on countries.iso2_code = ac.iso2_code
group by ac.publication_sk, countries.country_code
