-- One row per programme and actor code: submitted actors (codes or aliases) mapped through the
-- actor_aliases crosswalk; two aliases of the same actor count once.
with submitted as (
    select
        programme_sk,
        unnest(actor_aliases) as actor_alias
    from {{ ref('int_programmes_deduplicated') }}
),

mapped as (
    select
        submitted.programme_sk,
        aliases.actor_code,
        submitted.actor_alias
    from submitted
    left join {{ ref('actor_aliases') }} as aliases
        on submitted.actor_alias = aliases.alias
)

select
    programme_sk,
    actor_code,
    string_agg(distinct actor_alias, '; ' order by actor_alias) as submitted_as
from mapped
group by programme_sk, actor_code
