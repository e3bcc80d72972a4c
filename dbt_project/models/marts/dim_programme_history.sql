-- Every version of every programme, valid from the delivery that made it until the next
-- delivery that changed it. Built from the deliveries alone (no build-time snapshot), so a
-- rebuild from the archive gives the same history as the warehouse built file by file.
with versions as (
    select
        *,
        lag(record_hash) over (partition by programme_key order by version_number)
            as previous_hash
    from {{ ref('int_programme_versions_merged') }}
),

changes as (
    select * from versions
    where previous_hash is null or previous_hash <> record_hash
)

select
    {{ surrogate_key(['programme_sk', 'version_number']) }} as programme_version_sk,
    programme_sk,
    programme_ref,
    organisation,
    programme_name,
    country_code,
    level,
    start_year,
    end_year,
    team_kind_code,
    collaboration_model_code,
    schools_count,
    teachers_count,
    learners_count,
    funding_amount,
    funding_currency,
    funding_period,
    funding_basis,
    approximate_fields,
    minimum_fields,
    file_id,
    file_name,
    record_hash,
    delivered_at as valid_from,
    lead(delivered_at) over (partition by programme_key order by version_number) as valid_to,
    lead(delivered_at) over (partition by programme_key order by version_number) is null
        as is_current
from changes
