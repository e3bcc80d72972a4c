-- Every page with text of every plan document, labelled with its plan and the ISO 639-1
-- language it is coded in: the document's language when the catalogue gives exactly one
-- (mapped through xwalk_planipolis_languages), otherwise NULL (every language's patterns apply).
with documents as (
    select
        d.doc_id,
        d.plan_key,
        x.language_code
    from {{ ref('stg_sector_plans__documents') }} as d
    left join {{ ref('xwalk_planipolis_languages') }} as x
        on len(d.languages) = 1 and x.language_as_written = d.languages[1]
    where d.plan_key is not null
)

select
    d.plan_key,
    p.doc_id,
    p.page_no,
    d.language_code,
    p.page_text
from {{ ref('stg_sector_plans__pages') }} as p
inner join documents as d on p.doc_id = d.doc_id
where p.has_text
