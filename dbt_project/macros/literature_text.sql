{#- Decode HTML character references (ERIC escapes titles and abstracts): numeric ones
    (&#8217; &#x2019;) and the common named ones; &amp; last so "&amp;quot;" stays "&quot;". -#}
{% macro html_unescape(column) -%}
    {%- set refs = "regexp_extract_all(" ~ column ~ ", '&#(x?[0-9a-fA-F]+);', 1)" -%}
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        array_to_string(list_transform(
            regexp_split_to_array({{ column }}, '&#x?[0-9a-fA-F]+;'),
            (part, i) -> part || coalesce(chr(case
                when lower({{ refs }}[i]) like 'x%'
                    then try_cast('0x' || substr({{ refs }}[i], 2) as integer)
                else try_cast({{ refs }}[i] as integer) end), '')
        ), ''),
        '&quot;', '"'), '&apos;', ''''), '&lt;', '<'), '&gt;', '>'), '&nbsp;', ' '),
        '&ndash;', '–'), '&mdash;', '—'), '&lsquo;', '‘'), '&rsquo;', '’'), '&ldquo;', '“'),
        '&rdquo;', '”'), '&hellip;', '…'), '&eacute;', 'é'), '&amp;', '&')
{%- endmacro %}

{#- A DOI in its canonical form: lower case, without resolver prefix (https://doi.org/,
    dx.doi.org, doi:); NULL unless it starts with "10.". -#}
{% macro normalise_doi(column) -%}
    case when regexp_matches({{ column }}, '(^|doi\.org/|^doi:\s*)10\.', 'i')
        then lower(regexp_replace(trim({{ column }}), '^.*?(10\.)', '\1'))
    end
{%- endmacro %}

{#- A title for matching: accents stripped, lower case, every run of characters other than
    letters and digits turned into one space, trimmed. -#}
{% macro normalise_title(column) -%}
    nullif(trim(regexp_replace(lower(strip_accents({{ column }})), '[^a-z0-9]+', ' ', 'g')), '')
{%- endmacro %}

{#- An author's surname for matching: "Last, First" (ERIC) or "First Last" (OpenAlex). -#}
{% macro author_surname(column) -%}
    nullif(regexp_replace(lower(strip_accents(
        case when contains({{ column }}, ',') then split_part({{ column }}, ',', 1)
             else list_last(string_split(trim({{ column }}), ' ')) end
    )), '[^a-z]+', '', 'g'), '')
{%- endmacro %}
