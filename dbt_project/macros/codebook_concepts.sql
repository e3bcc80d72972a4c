{#- Every concept of the codebook as (concept_type, concept_code): team kinds, collaboration
    models, actors and partnership components; with_labels adds each concept's concept_label. -#}
{% macro codebook_concepts(with_labels=false) -%}
    {%- set label = ', label as concept_label' if with_labels else '' -%}
    select 'team_kind' as concept_type, team_kind_code as concept_code{{ label }} from {{ ref('codebook_team_kinds') }}
    union all
    select 'collaboration_model', collaboration_model_code{{ label }} from {{ ref('codebook_collaboration_models') }}
    union all
    select 'actor', actor_code{{ label }} from {{ ref('codebook_actors') }}
    union all
    select 'partnership_component', component_code{{ label }} from {{ ref('codebook_partnership_components') }}
{%- endmacro %}
