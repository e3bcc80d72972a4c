-- The seed study's table in long form: one row per country and codebook concept, for every
-- focus country (with or without plans) and every other country with a loaded plan. Pivot it
-- for the wide table (docs/sector_plans.md). Every count comes twice: all mentions the coder
-- found, and only those an analyst accepted (reviews/theme_mentions.csv, docs/theme_coding.md):
--   PIVOT marts.mart_country_theme_matrix ON concept_code USING first(plans_mentioning)
--   GROUP BY country_code, country_name, plans_loaded;
with loaded_plans as (
    select plan_key, unnest(country_codes) as country_code
    from {{ ref('dim_sector_plan') }}
    where load_status in ('loaded', 'partially_loaded')
),

focus as (
    select country_code from {{ ref('focus_countries') }}
),

matrix_countries as (
    select country_code from focus
    union
    select country_code from loaded_plans
),

concepts as (
    select 'team_kind' as concept_type, team_kind_code as concept_code, label as concept_label
    from {{ ref('codebook_team_kinds') }}
    union all
    select 'collaboration_model', collaboration_model_code, label
    from {{ ref('codebook_collaboration_models') }}
    union all
    select 'actor', actor_code, label from {{ ref('codebook_actors') }}
    union all
    select 'partnership_component', component_code, label
    from {{ ref('codebook_partnership_components') }}
),

plan_counts as (
    select country_code, count(distinct plan_key) as plans_loaded
    from loaded_plans
    group by country_code
),

cells as (
    select
        p.country_code,
        t.concept_type,
        t.concept_code,
        count(distinct t.plan_key) as plans_mentioning,
        count(distinct t.plan_key) filter (
            where t.accepted_mention_count > 0
        ) as plans_mentioning_accepted,
        sum(t.mention_count) as mention_count,
        sum(t.accepted_mention_count) as accepted_mention_count,
        sum(t.rejected_mention_count) as rejected_mention_count,
        sum(t.page_count) as page_count
    from loaded_plans as p
    inner join {{ ref('fct_plan_theme') }} as t on p.plan_key = t.plan_key
    group by p.country_code, t.concept_type, t.concept_code
)

select
    m.country_code,
    c.country_name,
    m.country_code in (select country_code from focus) as is_focus_country,
    coalesce(n.plans_loaded, 0) as plans_loaded,
    k.concept_type,
    k.concept_code,
    k.concept_label,
    coalesce(x.plans_mentioning, 0) as plans_mentioning,
    coalesce(x.mention_count, 0)::bigint as mention_count,
    coalesce(x.page_count, 0)::bigint as page_count,
    case
        when coalesce(n.plans_loaded, 0) > 0
            then round(coalesce(x.plans_mentioning, 0) / n.plans_loaded, 3)
    end as share_of_plans,
    coalesce(x.plans_mentioning, 0) > 0 as is_mentioned,
    coalesce(x.plans_mentioning_accepted, 0) as plans_mentioning_accepted,
    coalesce(x.accepted_mention_count, 0)::bigint as accepted_mention_count,
    coalesce(x.rejected_mention_count, 0)::bigint as rejected_mention_count,
    case
        when coalesce(n.plans_loaded, 0) > 0
            then round(coalesce(x.plans_mentioning_accepted, 0) / n.plans_loaded, 3)
    end as share_of_plans_accepted
from matrix_countries as m
cross join concepts as k
left join {{ ref('countries') }} as c on m.country_code = c.country_code
left join plan_counts as n on m.country_code = n.country_code
left join cells as x
    on m.country_code = x.country_code
    and k.concept_type = x.concept_type
    and k.concept_code = x.concept_code
