-- Every delivered version of every programme with the values it had after that delivery: a
-- version that left an optional column out keeps the value held from earlier deliveries.
-- Versions are ordered by when their file was delivered (then file name and row), so the
-- result depends only on the archived deliveries, not on when the warehouse was built.
{%- set carried = [
    ('programme_name', 'programme_name'), ('organisations', 'organisations'),
    ('country_code', 'country_code'), ('subnational_area', 'subnational_area'),
    ('level', 'level'), ('start_year', 'start_year'), ('end_year', 'end_year'),
    ('team_kind_code', 'team_kind'), ('collaboration_model_code', 'collaboration_model'),
    ('actor_aliases', 'actors'), ('schools_count', 'schools_count'),
    ('teachers_count', 'teachers_count'), ('learners_count', 'learners_count'),
    ('funding_amount', 'funding_amount'), ('funding_currency', 'funding_currency'),
    ('funding_period', 'funding_period'), ('funding_basis', 'funding_basis'),
    ('approximate_fields', 'approximate_fields'), ('minimum_fields', 'minimum_fields'),
    ('funders', 'funders'), ('roles_extended', 'roles_extended'),
    ('description', 'description'), ('source_name', 'source_name'),
    ('source_url', 'source_url'),
] %}
with versions as (
    select * from {{ ref('stg_programme_records__programme_records') }}
),

merged as (
    select
        programme_sk,
        programme_ref,
        programme_key,
        organisation,
        {%- for column, contract_name in carried %}
        {{ carry_forward(column, contract_name) }} as {{ column }},
        {%- endfor %}
        file_id,
        file_name,
        row_number,
        delivered_at,
        loaded_at,
        row_number() over versions as version_number
    from versions
    window versions as (
        partition by programme_key
        order by delivered_at, file_name, row_number
        rows between unbounded preceding and current row
    )
)

select
    *,
    md5(to_json(struct_pack(
        {%- for column, _ in carried %}
        {{ column }} := {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ))::varchar) as record_hash
from merged
