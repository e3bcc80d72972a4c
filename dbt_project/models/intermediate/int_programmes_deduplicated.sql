-- The current version of each programme: its latest delivered version, with the values carried
-- forward from earlier deliveries where that version left a column out.
with versions as (
    select
        *,
        count(*) over (partition by programme_key) as version_count,
        min(delivered_at) over (partition by programme_key) as first_delivered_at,
        row_number() over (
            partition by programme_key order by version_number desc
        ) as recency
    from {{ ref('int_programme_versions_merged') }}
)

select * exclude (recency)
from versions
where recency = 1
