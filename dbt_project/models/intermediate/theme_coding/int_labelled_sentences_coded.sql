{{ config(materialized="table") }}
-- The labelled sentences as coded by the engine (int_texts_theme_coded): the input of the
-- precision/recall regression figures in mart_theme_coding_quality.
{{ theme_mentions(ref('theme_coding_labelled_sentences'), ['sentence_id'], 'text', 'language') }}
