{{ config(materialized='table') }}
-- Every codebook mention in a publication's title or abstract, sentence by sentence, with
-- exactly the pipeline's coding rules (macro code_texts, docs/theme_coding.md). A table: both
-- fct_publication_theme and mart_literature_coding_sheet read it.
{{ code_texts(
    ref('int_publication_sentences_split'),
    ['publication_sk', 'sentence_number', 'text_part', 'sentence_text'],
    'sentence_text',
    'coding_language'
) }}
