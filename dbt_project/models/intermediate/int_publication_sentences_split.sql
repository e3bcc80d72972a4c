-- The title and abstract of every publication as sentences, the unit the literature is coded
-- in: sentence 0 is the title, 1..n the abstract's sentences in order. A sentence ends at . ! or ?
-- (and any closing quote or bracket) followed by whitespace and a capital letter, digit, opening
-- quote or bracket, so "e.g. teachers" and "3.5" do not end one.
with publications as (
    select publication_sk, title, abstract, language, coding_language
    from {{ ref('dim_publication') }}
),

abstract_pieces as (
    select
        publication_sk,
        language,
        coding_language,
        list_filter(
            list_transform(
                string_split(
                    regexp_replace(
                        abstract,
                        '([.!?]+["”’'')\]]*)\s+([\p{Lu}0-9"“‘(])',
                        '\1' || chr(30) || '\2',
                        'g'
                    ),
                    chr(30)
                ),
                piece -> regexp_replace(piece, '^\s+|\s+$', '', 'g')
            ),
            piece -> piece <> ''
        ) as pieces
    from publications
    where abstract is not null
),

sentences as (
    select
        publication_sk, 0 as sentence_number, 'title' as text_part, title as sentence_text,
        language, coding_language
    from publications
    where nullif(trim(title), '') is not null
    union all
    select
        publication_sk,
        generate_subscripts(pieces, 1),
        'abstract',
        unnest(pieces),
        language,
        coding_language
    from abstract_pieces
)

select
    publication_sk,
    cast(sentence_number as integer) as sentence_number,
    text_part,
    sentence_text,
    language,
    coding_language
from sentences
