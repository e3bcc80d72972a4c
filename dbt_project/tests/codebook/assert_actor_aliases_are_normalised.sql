-- Aliases that are not lower case, trimmed and single-spaced.
select alias, actor_code
from {{ ref('actor_aliases') }}
where alias <> lower(alias)
    or alias <> trim(alias)
    or alias like '%  %'
    or alias = ''
