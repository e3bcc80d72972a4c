{#- Codes texts against the learning-teams codebook: one row per mention.

    relation        a relation, ref()/source(), or any FROM-able SQL (e.g. "read_csv('x.csv')")
    id_columns      list of columns identifying a text; they are carried to the output
    text_column     the column holding the text
    language_column optional column with the text's ISO 639-1 language (en, fr, es, pt);
                    when omitted or NULL, the patterns of every language are applied
    context_chars   characters of context either side of a match (default 80)

    Output: the id columns, text_language, concept_type, concept_code, language (of the pattern),
    pattern_id, matched_text, char_offset (0-based, in characters of the NFC text), match_length,
    context. Rules (docs/theme_coding.md): text normalised by normalise_text_for_coding(),
    patterns compiled by compile_codebook_pattern(); a match is dropped when an exclusion pattern
    of the same concept and language overlaps it, or when it lies inside a longer match of another
    concept of the same concept_type ("student teachers" is trainee_teachers, not learners). -#}
{% macro code_texts(relation, id_columns, text_column, language_column=none, context_chars=80) -%}
with coding_input as (
    select
        {%- for column in id_columns %}
        {{ column }},
        {%- endfor %}
        row_number() over () as coding_text_key,
        {% if language_column -%}
        nullif(lower(trim(cast({{ language_column }} as varchar))), '')
        {%- else -%}
        cast(null as varchar)
        {%- endif %} as text_language,
        nfc_normalize(cast({{ text_column }} as varchar)) as original_text
    from {{ relation }}
),

coding_texts as materialized (
    select
        coding_text_key,
        text_language,
        original_text,
        {{ normalise_text_for_coding('original_text') }} as normalised_text
    from coding_input
    where original_text is not null
),

coding_patterns as (
    {{ codebook_compiled_patterns() }}
),

coding_texts_by_language as (
    -- one row per text and pattern language to apply: its own, or every language when unknown
    -- (an equality join on language lets DuckDB hash-join instead of trying every pattern)
    select
        coding_text_key,
        normalised_text,
        unnest(
            case
                when text_language is null
                    then (select list(distinct language) from coding_patterns)
                else [text_language]
            end
        ) as pattern_language
    from coding_texts
),

pattern_scans as (
    select
        t.coding_text_key,
        t.normalised_text,
        p.pattern_id,
        p.is_exclusion,
        p.concept_type,
        p.concept_code,
        p.language,
        p.compiled_pattern,
        regexp_extract_all(t.normalised_text, p.compiled_pattern) as matched
    from coding_texts_by_language as t
    inner join coding_patterns as p
        on t.pattern_language = p.language
),

pattern_hits as (
    -- the text between matches, computed only where the pattern matched
    select
        coding_text_key,
        pattern_id,
        is_exclusion,
        concept_type,
        concept_code,
        language,
        matched,
        regexp_split_to_array(normalised_text, compiled_pattern) as between_matches
    from pattern_scans
    where len(matched) > 0
),

numbered_hits as (
    select
        *,
        unnest(range(1, len(matched) + 1)) as match_number
    from pattern_hits
),

pattern_matches as (
    -- the offset of match k is the length of the k pieces before it and the k-1 matches between
    select
        coding_text_key,
        pattern_id,
        is_exclusion,
        concept_type,
        concept_code,
        language,
        length(array_to_string(between_matches[1:match_number], ''))
        + length(array_to_string(matched[1:match_number - 1], '')) as char_offset,
        length(matched[match_number]) as match_length
    from numbered_hits
),

mentions as (
    select m.*
    from pattern_matches as m
    where not m.is_exclusion
        and not exists (
            select 1
            from pattern_matches as x
            where x.is_exclusion
                and x.coding_text_key = m.coding_text_key
                and x.concept_type = m.concept_type
                and x.concept_code = m.concept_code
                and x.language = m.language
                and x.char_offset < m.char_offset + m.match_length
                and m.char_offset < x.char_offset + x.match_length
        )
        and not exists (
            select 1
            from pattern_matches as n
            where not n.is_exclusion
                and n.coding_text_key = m.coding_text_key
                and n.concept_type = m.concept_type
                and n.concept_code <> m.concept_code
                and n.char_offset <= m.char_offset
                and n.char_offset + n.match_length >= m.char_offset + m.match_length
                and n.match_length > m.match_length
        )
),

displayed as (
    -- context comes from the original text when normalisation kept its length (always, unless
    -- a character changes length when lower-cased); otherwise from the normalised text
    select
        coding_text_key,
        case
            when length(normalised_text) = length(original_text) then original_text
            else normalised_text
        end as display_text
    from coding_texts
)

select
    {%- for column in id_columns %}
    i.{{ column }},
    {%- endfor %}
    i.text_language,
    m.concept_type,
    m.concept_code,
    m.language,
    m.pattern_id,
    substring(d.display_text, m.char_offset + 1, m.match_length) as matched_text,
    m.char_offset,
    m.match_length,
    trim(regexp_replace(
        substring(
            d.display_text,
            greatest(m.char_offset - {{ context_chars }}, 0) + 1,
            least(m.char_offset, {{ context_chars }}) + m.match_length + {{ context_chars }}
        ),
        '\s+', ' ', 'g'
    )) as context
from mentions as m
inner join coding_input as i on m.coding_text_key = i.coding_text_key
inner join displayed as d on m.coding_text_key = d.coding_text_key
{%- endmacro %}
