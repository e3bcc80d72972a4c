-- Every version of every programme from the snapshot, for "what did we know when" questions.
select
    programme_sk,
    programme_ref,
    programme_name,
    country_code,
    level,
    start_year,
    end_year,
    team_kind_code,
    schools_count,
    teachers_count,
    learners_count,
    funding_amount,
    funding_currency,
    funding_period,
    file_name,
    record_hash,
    dbt_valid_from as valid_from,
    dbt_valid_to as valid_to,
    dbt_valid_to is null as is_current
from {{ ref('snp_programmes') }}
