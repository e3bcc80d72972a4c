{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'stg_eric__documents'}}}) }}
-- ERIC languages missing from the seed xwalk_eric_languages (add a row for each): their
-- documents get no language and are coded with every language's patterns.
select distinct language_as_written
from (select unnest(languages) as language_as_written from {{ ref('stg_eric__documents') }})
where language_as_written not in (
    select language_as_written from {{ ref('xwalk_eric_languages') }}
)
