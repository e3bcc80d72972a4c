-- One row per plan and codebook concept it mentions: mentions (distinct positions, so two
-- patterns matching the same words count once), pages, first page, an example in context.
with per_page as (
    {{ summarise_theme_mentions(ref('fct_plan_theme_mention'), ['plan_key', 'doc_id', 'page_no']) }}
)

select
    plan_key,
    concept_type,
    concept_code,
    sum(mention_count)::bigint as mention_count,
    count(*) as page_count,
    min(page_no) as first_page_no,
    arg_min(doc_id, [page_no, first_char_offset]) as first_doc_id,
    arg_min(example_context, [page_no, first_char_offset]) as first_context,
    list_sort(list_distinct(flatten(list(languages)))) as pattern_languages
from per_page
group by plan_key, concept_type, concept_code
