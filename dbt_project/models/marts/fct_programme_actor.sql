select
    {{ surrogate_key(['pa.programme_sk', 'pa.actor_code']) }} as programme_actor_sk,
    pa.programme_sk,
    pa.actor_code,
    actors.actor_group,
    programmes.country_code,
    programmes.team_kind_code,
    programmes.level,
    programmes.start_year,
    pa.submitted_as
from {{ ref('int_programme_actors_unnested') }} as pa
inner join {{ ref('int_programmes_deduplicated') }} as programmes
    on pa.programme_sk = programmes.programme_sk
left join {{ ref('codebook_actors') }} as actors
    on pa.actor_code = actors.actor_code
