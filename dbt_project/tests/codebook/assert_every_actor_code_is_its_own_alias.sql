{{ config(meta={'dagster': {'ref': {'name': 'actor_aliases'}}}) }}
-- Actors whose code, or whose lower-cased label, is not an alias mapping back to that actor.
with required_aliases as (
    select actor_code, actor_code as alias from {{ ref('codebook_actors') }}
    union
    select actor_code, lower(label) as alias from {{ ref('codebook_actors') }}
)

select r.actor_code, r.alias as missing_alias
from required_aliases as r
left join {{ ref('actor_aliases') }} as a
    on a.alias = r.alias
    and a.actor_code = r.actor_code
where a.alias is null
