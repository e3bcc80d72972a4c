{#- The text normalisation every coded text goes through before the codebook patterns run
    (docs/theme_coding.md, "Case, accents, punctuation"). Each step maps one character to one
    character, so offsets in the normalised text are offsets in the NFC-normalised original:
    1. NFC (composed accents), 2. lower case, 3. typographic apostrophes and quotes to ' and
    dashes to -, 4. accents stripped (é -> e, ç -> c, ñ -> n), 5. every whitespace character
    (newline, tab, no-break space) to one space. -#}
{% macro normalise_text_for_coding(expression) -%}
    regexp_replace(
        strip_accents(
            translate(lower(nfc_normalize({{ expression }})), '’‘ʼ´`‐‑‒–—', '''''''''''-----')
        ),
        '[\s\x{00a0}\x{2007}\x{202f}]', ' ', 'g'
    )
{%- endmacro %}
