-- The analysts' current decision on each reviewed mention: the latest row of the review file for
-- that mention_id (by reviewed_at, then the later row of the file).
select
    mention_id,
    decision as review_status,
    reviewer,
    reviewed_at,
    note as review_note,
    count(*) over (partition by mention_id) as review_count,
    source_file,
    source_row
from {{ source('theme_reviews', 'theme_mention_reviews') }}
qualify row_number() over (
    partition by mention_id order by reviewed_at desc, source_row desc
) = 1
