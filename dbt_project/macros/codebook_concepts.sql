{#- Every concept of the codebook as (concept_type, concept_code): team kinds, collaboration
    models, actors and partnership components. -#}
{% macro codebook_concepts() -%}
    select 'team_kind' as concept_type, team_kind_code as concept_code from {{ ref('codebook_team_kinds') }}
    union all
    select 'collaboration_model', collaboration_model_code from {{ ref('codebook_collaboration_models') }}
    union all
    select 'actor', actor_code from {{ ref('codebook_actors') }}
    union all
    select 'partnership_component', component_code from {{ ref('codebook_partnership_components') }}
{%- endmacro %}
