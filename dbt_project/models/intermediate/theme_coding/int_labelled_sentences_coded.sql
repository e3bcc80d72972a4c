{{ config(materialized="table") }}
-- The labelled sentence set coded by the engine: the example of code_texts() on a seed, and the
-- input of the precision/recall evaluation (mart_theme_coding_quality).
{{ code_texts(ref('theme_coding_labelled_sentences'), ['sentence_id'], 'text', 'language') }}
