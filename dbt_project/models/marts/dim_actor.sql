select
    actor_code,
    label as actor_label,
    actor_group,
    definition as actor_definition
from {{ ref('codebook_actors') }}
