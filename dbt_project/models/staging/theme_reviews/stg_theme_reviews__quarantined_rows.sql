-- Rows of the review file that could not be used, with the reason (file and row named in it).
select source_file, source_row, record, reason
from {{ source('theme_reviews', 'theme_mention_reviews_quarantine') }}
