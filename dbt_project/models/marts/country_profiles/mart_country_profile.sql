-- One row per country: region, income group, latest workforce indicators with their year (as
-- dim_country holds them), the sector plans held and the codebook concepts they mention,
-- programmes recorded by team kind, and publications with an author in the country.
with plans as (
    select unnest(country_codes) as country_code, plan_key, load_status
    from {{ ref('dim_sector_plan') }}
),

plan_counts as (
    select
        country_code,
        count(distinct plan_key) as plans_held,
        count(distinct plan_key) filter (where load_status in ('loaded', 'partially_loaded'))
            as plans_loaded
    from plans
    group by country_code
),

-- Every mention counts. The analyst review of mentions (accepted / rejected) adds a second
-- pair of columns here, plan_accepted_theme_count and plan_accepted_themes, from the accepted
-- mentions only, once it is merged.
plan_themes as (
    select
        country_code,
        count(*) as plan_theme_count,
        list(concept_code order by concept_type, concept_code) as plan_themes
    from {{ ref('mart_evidence_map') }}
    where evidence_kind = 'plan'
    group by country_code
),

publications as (
    select country_code, count(distinct publication_sk) as publication_count
    from {{ ref('fct_publication_country') }}
    group by country_code
),

literature_themes as (
    select country_code, count(*) as literature_theme_count
    from {{ ref('mart_evidence_map') }}
    where evidence_kind = 'literature'
    group by country_code
)

select
    c.* exclude (iso2_code),
    c.country_code in (select country_code from {{ ref('focus_countries') }}) as is_focus_country,
    coalesce(pc.plans_held, 0) as plans_held,
    coalesce(pc.plans_loaded, 0) as plans_loaded,
    coalesce(pt.plan_theme_count, 0) as plan_theme_count,
    coalesce(pt.plan_themes, []::varchar[]) as plan_themes,
    coalesce(s.programme_count, 0) as programme_count,
    coalesce(s.within_school_count, 0) as within_school_programmes,
    coalesce(s.school_community_count, 0) as school_community_programmes,
    coalesce(s.cross_sector_count, 0) as cross_sector_programmes,
    coalesce(p.publication_count, 0) as publication_count,
    coalesce(lt.literature_theme_count, 0) as literature_theme_count
from {{ ref('dim_country') }} as c
left join plan_counts as pc on c.country_code = pc.country_code
left join plan_themes as pt on c.country_code = pt.country_code
left join {{ ref('fct_country_summary') }} as s on c.country_code = s.country_code
left join publications as p on c.country_code = p.country_code
left join literature_themes as lt on c.country_code = lt.country_code
