-- Pairs of source records that describe the same publication, with the strongest rule that
-- matched them (record_key_a < record_key_b):
--   doi         same DOI (any two records);
--   title_year  records from different sources with the same normalised title (at least 20
--               characters, so "Editorial" never matches) and year, and no conflicting DOIs;
--   fuzzy_title records from different sources sharing an author surname, titles of at least
--               20 characters, years at most one apart, no conflicting DOIs, and titles with a Jaro-Winkler similarity of at
--               least var('publication_title_similarity') (0.96; see the unit tests).
with records as (
    select * from {{ ref('int_literature_records_unioned') }}
),

by_doi as (
    select a.record_key as record_key_a, b.record_key as record_key_b, 'doi' as match_rule,
           1 as rule_rank, cast(1.0 as double) as title_similarity
    from records as a
    inner join records as b
        on a.doi = b.doi and a.record_key < b.record_key
),

by_title_year as (
    select a.record_key, b.record_key, 'title_year', 2, 1.0
    from records as a
    inner join records as b
        on a.title_normalised = b.title_normalised
        and a.publication_year = b.publication_year
        and a.source <> b.source
        and a.record_key < b.record_key
    where length(a.title_normalised) >= 20
        and (a.doi is null or b.doi is null or a.doi = b.doi)
),

surnames as (
    select distinct record_key, unnest(author_surnames) as surname from records
),

candidates as (
    select distinct sa.record_key as record_key_a, sb.record_key as record_key_b
    from surnames as sa
    inner join surnames as sb
        on sa.surname = sb.surname and sa.record_key < sb.record_key
),

by_fuzzy_title as (
    select
        a.record_key, b.record_key, 'fuzzy_title', 3,
        jaro_winkler_similarity(a.title_normalised, b.title_normalised)
    from candidates as c
    inner join records as a on a.record_key = c.record_key_a
    inner join records as b on b.record_key = c.record_key_b
    where a.source <> b.source
        and length(a.title_normalised) >= 20
        and length(b.title_normalised) >= 20
        and abs(a.publication_year - b.publication_year) <= 1
        and (a.doi is null or b.doi is null or a.doi = b.doi)
        and jaro_winkler_similarity(a.title_normalised, b.title_normalised)
            >= {{ var('publication_title_similarity', 0.96) }}
),

pairs as (
    select * from by_doi
    union all
    select * from by_title_year
    union all
    select * from by_fuzzy_title
)

select record_key_a, record_key_b, match_rule, title_similarity
from pairs
qualify row_number() over (
    partition by record_key_a, record_key_b order by rule_rank
) = 1
