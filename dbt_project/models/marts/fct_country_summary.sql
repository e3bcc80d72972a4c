-- One row per country with at least one programme: how many learning-team programmes, of which
-- kinds and levels, their reported scale, and how many kinds of actor take part.
with programmes as (
    select * from {{ ref('dim_programme') }}
),

actors as (
    select country_code, count(distinct actor_code) as distinct_actor_count
    from {{ ref('fct_programme_actor') }}
    group by country_code
),

by_country as (
    select
        country_code,
        count(*) as programme_count,
        count(*) filter (where is_active) as active_programme_count,
        count(*) filter (where team_kind_code = 'within_school') as within_school_count,
        count(*) filter (where team_kind_code = 'school_community') as school_community_count,
        count(*) filter (where team_kind_code = 'cross_sector') as cross_sector_count,
        count(*) filter (where level = 'local') as local_count,
        count(*) filter (where level = 'regional') as regional_count,
        count(*) filter (where level = 'national') as national_count,
        -- A minimum ("at least six schools") is not a count: it is left out of the totals.
        sum(schools_count) filter (where not schools_count_is_minimum) as schools_total,
        sum(teachers_count) filter (where not teachers_count_is_minimum) as teachers_total,
        sum(learners_count) filter (where not learners_count_is_minimum) as learners_total,
        count(*) filter (
            where schools_count_is_minimum or teachers_count_is_minimum
            or learners_count_is_minimum
        ) as programmes_with_minimum_counts,
        min(start_year) as first_start_year,
        max(start_year) as latest_start_year
    from programmes
    group by country_code
)

select
    countries.country_code,
    countries.country_name,
    countries.region,
    countries.income_group,
    by_country.* exclude (country_code),
    coalesce(actors.distinct_actor_count, 0) as distinct_actor_count
from by_country
inner join {{ ref('dim_country') }} as countries
    on by_country.country_code = countries.country_code
left join actors
    on by_country.country_code = actors.country_code
