-- Every accepted record version, typed. One row per (delivered file, row).
with source as (
    select * from {{ source('programme_records', 'programme_records') }}
),

files as (
    select file_id, columns_supplied
    from {{ source('programme_records', 'programme_record_files') }}
),

typed as (
    select
        {{ surrogate_key(['lower(programme_ref)']) }} as programme_sk,
        programme_ref,
        lower(programme_ref) as programme_key,
        programme_name,
        {{ split_list('organisations') }} as organisations,
        upper(country_code) as country_code,
        subnational_area,
        lower(level) as level,
        cast(start_year as integer) as start_year,
        cast(end_year as integer) as end_year,
        lower(team_kind) as team_kind_code,
        lower(collaboration_model) as collaboration_model_code,
        list_transform(
            {{ split_list('actors') }}, a -> regexp_replace(lower(a), '\s+', ' ', 'g')
        ) as actor_aliases,
        cast(schools_count as bigint) as schools_count,
        cast(teachers_count as bigint) as teachers_count,
        cast(learners_count as bigint) as learners_count,
        cast(funding_amount as decimal(18, 2)) as funding_amount,
        upper(funding_currency) as funding_currency,
        lower(funding_period) as funding_period,
        lower(funding_basis) as funding_basis,
        list_transform({{ split_list('approximate_fields') }}, f -> lower(f))
            as approximate_fields,
        list_transform({{ split_list('minimum_fields') }}, f -> lower(f)) as minimum_fields,
        {{ split_list('funders') }} as funders,
        roles_extended,
        description,
        source_name,
        source_url,
        _file_id as file_id,
        _file_sha256 as file_sha256,
        _file_name as file_name,
        _organisation as organisation,
        cast(_delivered_at as timestamptz) as delivered_at,
        cast(_row_number as integer) as row_number,
        -- kept once per file when every record supplied the same columns, else per row
        cast(coalesce(source._supplied_columns, files.columns_supplied) as varchar[])
            as supplied_columns,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
    left join files on files.file_id = source._file_id
)

select * from typed
