{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'stg_sector_plans__documents'}}}) }}
-- Catalogue languages missing from the seed xwalk_planipolis_languages (add a row for each).
select distinct language_as_written
from (select unnest(languages) as language_as_written from {{ ref('stg_sector_plans__documents') }})
where language_as_written not in (
    select language_as_written from {{ ref('xwalk_planipolis_languages') }}
)
