{#- The mentions of the texts of `relation`, as coded by the engine in int_texts_theme_coded
    (docs/theme_coding.md): one row per mention, joined to each text on its coding key (md5 of
    the NFC text and the lower-cased language; the engine codes each distinct text once). This
    macro applies no rule: it only shows what the engine found in each text.

    relation        a ref() or any FROM-able SQL
    id_columns      columns identifying a text; carried to the output
    text_column     the coded text
    language_column the text's ISO 639-1 language column, or none (every language's rules)
    context_chars   characters of context either side of a mention (default 80)

    Output: the id columns, text_language, concept_type, concept_code, language (of the rule),
    rule_id, rule_kind (pattern or proximity), matched_text (as written), char_offset (0-based, in
    characters of the NFC text), match_length, context, mention_id (stable: md5 of
    text_hash|concept_code|char_offset|match_length). -#}
{% macro theme_mentions(relation, id_columns, text_column, language_column=none, context_chars=80) -%}
with mention_texts as (
    select
        {%- for column in id_columns %}
        {{ column }},
        {%- endfor %}
        nfc_normalize(cast({{ text_column }} as varchar)) as coded_text,
        md5(nfc_normalize(cast({{ text_column }} as varchar))) || '|' || coalesce(
            lower(trim(cast({{ language_column if language_column else 'null' }} as varchar))), ''
        ) as coding_key
    from {{ relation }}
    where {{ text_column }} is not null
)

select
    {%- for column in id_columns %}
    t.{{ column }},
    {%- endfor %}
    nullif(c.text_language, '') as text_language,
    c.concept_type,
    c.concept_code,
    c.language,
    c.rule_id,
    c.rule_kind,
    substring(t.coded_text, c.char_offset + 1, c.match_length) as matched_text,
    cast(c.char_offset as integer) as char_offset,
    cast(c.match_length as integer) as match_length,
    trim(regexp_replace(
        substring(
            t.coded_text,
            greatest(c.char_offset - {{ context_chars }}, 0) + 1,
            least(c.char_offset, {{ context_chars }}) + c.match_length + {{ context_chars }}
        ),
        '\s+', ' ', 'g'
    )) as context,
    c.mention_id
from mention_texts as t
inner join {{ ref('int_texts_theme_coded') }} as c
    on t.coding_key = c.coding_key
where c.concept_code is not null
{%- endmacro %}
