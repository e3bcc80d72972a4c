-- One row per plan and codebook concept it mentions: mentions (distinct positions, so two rules
-- matching the same words count once), how many of them analysts accepted or rejected, pages,
-- first page, an example in context.
with mentions as (
    select * from {{ ref('fct_plan_theme_mention') }}
)

select
    plan_key,
    concept_type,
    concept_code,
    count(distinct (doc_id, page_no, char_offset))::bigint as mention_count,
    count(distinct (doc_id, page_no, char_offset)) filter (
        where review_status = 'accepted'
    )::bigint as accepted_mention_count,
    count(distinct (doc_id, page_no, char_offset)) filter (
        where review_status = 'rejected'
    )::bigint as rejected_mention_count,
    count(distinct (doc_id, page_no))::bigint as page_count,
    min(page_no) as first_page_no,
    arg_min(doc_id, [page_no, char_offset]) as first_doc_id,
    arg_min(context, [page_no, char_offset]) as first_context,
    list_sort(list_distinct(list(language))) as pattern_languages
from mentions
group by plan_key, concept_type, concept_code
