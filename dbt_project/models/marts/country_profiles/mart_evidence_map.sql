-- Concept × country × kind of evidence: how many sector plans, publications and programmes of a
-- country speak of a codebook concept, with the keys of those rows (dim_sector_plan.plan_key,
-- dim_publication.publication_sk, dim_programme.programme_sk). Only cells with evidence are
-- rows: a missing cell means no evidence of that kind.
--   plan:       a loaded plan of the country (a multi-country plan counts for each) mentions it
--               (all mentions; the analyst review of mentions, once merged, adds accepted ones)
--   literature: a publication with an author in the country mentions it in title or abstract
--   programme:  a programme recorded in the country is of that team kind or collaboration model,
--               or involves that actor
with plan_evidence as (
    select
        p.country_code,
        t.concept_type,
        t.concept_code,
        'plan' as evidence_kind,
        t.plan_key as evidence_key
    from {{ ref('fct_plan_theme') }} as t
    inner join (
        select plan_key, unnest(country_codes) as country_code
        from {{ ref('dim_sector_plan') }}
        where load_status in ('loaded', 'partially_loaded')
    ) as p on t.plan_key = p.plan_key
),

literature_evidence as (
    select
        c.country_code,
        t.concept_type,
        t.concept_code,
        'literature' as evidence_kind,
        t.publication_sk as evidence_key
    from {{ ref('fct_publication_theme') }} as t
    inner join {{ ref('fct_publication_country') }} as c on t.publication_sk = c.publication_sk
),

programme_evidence as (
    select country_code, 'team_kind' as concept_type, team_kind_code as concept_code,
        'programme' as evidence_kind, programme_sk as evidence_key
    from {{ ref('dim_programme') }}
    union all
    select country_code, 'collaboration_model', collaboration_model_code, 'programme', programme_sk
    from {{ ref('dim_programme') }}
    where collaboration_model_code is not null
    union all
    select country_code, 'actor', actor_code, 'programme', programme_sk
    from {{ ref('fct_programme_actor') }}
),

evidence as (
    select * from plan_evidence
    union all
    select * from literature_evidence
    union all
    select * from programme_evidence
),

concepts as (
    {{ codebook_concepts(with_labels=true) }}
)

select
    e.country_code,
    c.country_name,
    e.concept_type,
    e.concept_code,
    k.concept_label,
    e.evidence_kind,
    count(distinct e.evidence_key) as evidence_count,
    list(distinct e.evidence_key order by e.evidence_key) as evidence_keys
from evidence as e
inner join concepts as k
    on e.concept_type = k.concept_type and e.concept_code = k.concept_code
inner join {{ ref('dim_country') }} as c on e.country_code = c.country_code
group by e.country_code, c.country_name, e.concept_type, e.concept_code, k.concept_label,
    e.evidence_kind
