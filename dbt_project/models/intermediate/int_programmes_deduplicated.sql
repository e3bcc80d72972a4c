-- The current version of each programme: the row from the most recently loaded file that
-- mentions its programme_ref (a later submission updates the programme).
with versions as (
    select
        *,
        row_number() over (
            partition by programme_key
            order by loaded_at desc, file_name desc, row_number desc
        ) as version_rank,
        count(*) over (partition by programme_key) as version_count,
        min(loaded_at) over (partition by programme_key) as first_loaded_at
    from {{ ref('stg_programme_records__programme_records') }}
)

select * exclude (version_rank)
from versions
where version_rank = 1
