{{ config(meta={'dagster': {'ref': {'name': 'dim_programme'}}}) }}
-- A programme's collaboration model belongs to one team kind; the programme's team kind must be
-- that one (e.g. a teacher triad is a within-school team). Rows returned are contradictions.
select
    programmes.programme_ref,
    programmes.team_kind_code,
    programmes.collaboration_model_code,
    models.team_kind_code as model_team_kind_code
from {{ ref('dim_programme') }} as programmes
inner join {{ ref('codebook_collaboration_models') }} as models
    on programmes.collaboration_model_code = models.collaboration_model_code
where programmes.team_kind_code <> models.team_kind_code
