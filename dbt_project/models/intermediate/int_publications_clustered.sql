{{ config(materialized="table") }}

-- (A table: DuckDB 1.5 fails "Type mismatch for SET OPERATION" when a view over this
-- recursive CTE is queried with a filter and a window.)
-- Every source record with the publication it belongs to: the connected components of the
-- matched pairs (A~B and B~C put A, B and C together). The publication's key is the surrogate
-- key of its preferred record: an OpenAlex work before an ERIC document, then one with a DOI,
-- then the smallest record key.
with recursive edges as (
    select record_key_a as from_key, record_key_b as to_key from {{ ref('int_literature_records_matched') }}
    union
    select record_key_b, record_key_a from {{ ref('int_literature_records_matched') }}
),

reach (record_key, linked_key) as (
    select record_key, record_key from {{ ref('int_literature_records_unioned') }}
    union
    select reach.record_key, edges.to_key
    from reach
    inner join edges on edges.from_key = reach.linked_key
),

components as (
    select record_key, min(linked_key) as component_key
    from reach
    group by record_key
),

ranked as (
    select
        r.*,
        c.component_key,
        row_number() over (
            partition by c.component_key
            order by r.source = 'openalex' desc, r.doi is not null desc, r.record_key
        ) as preference
    from {{ ref('int_literature_records_unioned') }} as r
    inner join components as c on c.record_key = r.record_key
),

rules as (
    select c.component_key, list(distinct m.match_rule order by m.match_rule) as match_rules
    from {{ ref('int_literature_records_matched') }} as m
    inner join components as c on c.record_key = m.record_key_a
    group by c.component_key
)

select
    {{ surrogate_key(['first_value(ranked.record_key) over (partition by ranked.component_key order by ranked.preference)']) }}
        as publication_sk,
    ranked.* exclude (component_key),
    coalesce(rules.match_rules, cast([] as varchar[])) as match_rules
from ranked
left join rules on rules.component_key = ranked.component_key
