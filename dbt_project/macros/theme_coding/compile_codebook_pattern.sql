{#- How a codebook pattern becomes the RE2 expression that runs (docs/theme_coding.md,
    "Word boundaries"): accents are stripped like the text's; a space matches one or more
    spaces (line breaks in extracted PDF text become runs of spaces); "[- ]" matches a hyphen
    or spaces; the whole pattern is wrapped in word boundaries, so "ong" never matches inside
    "ongoing" and a stem must say so explicitly (e.g. "flexib\w*"). -#}
{% macro compile_codebook_pattern(pattern) -%}
    '\b(?:' || replace(replace(strip_accents({{ pattern }}), ' ', ' +'), '[- +]', '(?:-| +)') || ')\b'
{%- endmacro %}
