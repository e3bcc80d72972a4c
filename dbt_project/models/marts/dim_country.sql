select
    country_code,
    iso2_code,
    country_name,
    region,
    income_group
from {{ ref('countries') }}
