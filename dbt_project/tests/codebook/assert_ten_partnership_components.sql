-- Returns a row unless there are exactly ten partnership components.
select count(*) as n_components
from {{ ref('codebook_partnership_components') }}
having count(*) <> 10
