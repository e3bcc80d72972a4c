with programmes as (
    select * from {{ ref('int_programmes_deduplicated') }}
),

actor_counts as (
    select programme_sk, count(*) as actor_count
    from {{ ref('int_programme_actors_unnested') }}
    group by programme_sk
)

select
    programmes.programme_sk,
    programmes.programme_ref,
    programmes.organisation as submitted_by,
    programmes.programme_name,
    array_to_string(programmes.organisations, '; ') as organisations,
    len(programmes.organisations) as organisation_count,
    programmes.country_code,
    countries.country_name,
    programmes.subnational_area,
    programmes.level,
    programmes.start_year,
    programmes.end_year,
    programmes.end_year is null
        or programmes.end_year >= {{ reference_year() }} as is_active,
    programmes.team_kind_code,
    team_kinds.label as team_kind_label,
    programmes.collaboration_model_code,
    models.label as collaboration_model_label,
    coalesce(actor_counts.actor_count, 0) as actor_count,
    programmes.schools_count,
    programmes.teachers_count,
    programmes.learners_count,
    programmes.funding_amount,
    programmes.funding_currency,
    programmes.funding_period,
    coalesce(programmes.funding_basis, 'programme') as funding_basis,
    coalesce(programmes.approximate_fields, []) as approximate_fields,
    coalesce(programmes.minimum_fields, []) as minimum_fields,
    list_contains(coalesce(programmes.minimum_fields, []), 'schools_count')
        as schools_count_is_minimum,
    list_contains(coalesce(programmes.minimum_fields, []), 'teachers_count')
        as teachers_count_is_minimum,
    list_contains(coalesce(programmes.minimum_fields, []), 'learners_count')
        as learners_count_is_minimum,
    len(coalesce(programmes.approximate_fields, [])) > 0 as has_approximate_values,
    array_to_string(programmes.funders, '; ') as funders,
    programmes.roles_extended,
    programmes.description,
    programmes.source_name,
    programmes.source_url,
    programmes.file_name as latest_file_name,
    programmes.version_count,
    programmes.first_delivered_at,
    programmes.delivered_at as last_updated_at
from programmes
left join {{ ref('countries') }} as countries
    on programmes.country_code = countries.country_code
left join {{ ref('codebook_team_kinds') }} as team_kinds
    on programmes.team_kind_code = team_kinds.team_kind_code
left join {{ ref('codebook_collaboration_models') }} as models
    on programmes.collaboration_model_code = models.collaboration_model_code
left join actor_counts
    on programmes.programme_sk = actor_counts.programme_sk
