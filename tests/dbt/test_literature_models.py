"""The literature dbt models on a temporary warehouse: built on the bundled demo pages, and on the
genuine recorded OpenAlex work and ERIC document with a cross-source duplicate (`dbt build` of
the literature models, their tests and unit tests). On empty literature tables:
tests/pipelines/warehouse/test_single_source.py (programme records only)."""

from __future__ import annotations

import copy
import json

import pytest

from sources.literature.loader import load_literature_pages
from sources.literature.raw_store import RawStore
from tests.dbt.literature_build import build
from tests.sources.literature.helpers import (
    eric_page,
    openalex_page,
    real_eric_response,
    real_openalex_work,
)

pytestmark = pytest.mark.heavy


def publication_of(con, key):
    return con.execute(
        "SELECT publication_sk, sources, match_rules, source_record_keys "
        "FROM marts.dim_publication "
        "WHERE list_contains(source_record_keys, ?)",
        [key],
    ).fetchone()


def test_demo_records_deduplicate_into_publications(demo):
    (records,) = demo.execute(
        "SELECT count(*) FROM intermediate.int_literature_records_unioned"
    ).fetchone()
    (publications,) = demo.execute("SELECT count(*) FROM marts.dim_publication").fetchone()
    assert (records, publications) == (25, 19)
    # DOI in OpenAlex, DOI link in the ERIC url field, different titles
    assert publication_of(demo, "eric:EJ1160004")[1:3] == (["eric", "openalex"], ["doi"])
    # same title up to case and punctuation
    assert publication_of(demo, "eric:ED4800002")[2] == ["title_year"]
    # "the UK" / "the United Kingdom", one year apart, shared author
    assert publication_of(demo, "eric:EJ1000005")[2:] == (
        ["fuzzy_title"],
        ["openalex:W9000000005", "eric:EJ1000005"],
    )
    # distinct works stay apart
    assert publication_of(demo, "eric:EJ1300007")[1] == ["eric"]
    assert publication_of(demo, "openalex:W9000000007") != publication_of(
        demo, "openalex:W9000000008"
    )


def test_demo_publications_keep_both_sources_attributes(demo):
    row = demo.execute(
        """SELECT openalex_id, eric_id, doi, is_peer_reviewed, oa_status, query_ids,
                  list_contains(eric_descriptors, 'Teacher Collaboration')
           FROM marts.dim_publication WHERE eric_id = 'EJ1150003'"""
    ).fetchone()
    assert row == (
        "W9000000003",
        "EJ1150003",
        "10.5555/lt.2016.003",
        True,
        "green",
        ["professional_learning_communities", "teacher_collaboration"],
        True,
    )


def test_demo_bridges_and_citations(demo):
    countries = demo.execute(
        """SELECT list_sort(list(country_code)) FROM marts.fct_publication_country c
           JOIN marts.dim_publication p USING (publication_sk)
           WHERE p.openalex_id = 'W9000000008'"""
    ).fetchone()[0]
    assert countries == ["GHA", "ZAF"]
    authors = demo.execute(
        """SELECT list(author_name ORDER BY author_order) FROM marts.fct_publication_author a
           JOIN marts.dim_publication p USING (publication_sk) WHERE p.eric_id = 'ED6100008'"""
    ).fetchone()[0]
    assert authors == ["Nakato, Ruth"]  # ERIC-only publication: ERIC authors
    cited = demo.execute(
        """SELECT count(*) FROM marts.fct_citation c
           JOIN marts.dim_publication p ON p.publication_sk = c.cited_publication_sk
           WHERE p.openalex_id = 'W9000000001'"""
    ).fetchone()[0]
    assert cited == 5  # W3, W6(=ERIC+OpenAlex), W7, W8, W16; W9990000000 is not held
    (institutions,) = demo.execute(
        "SELECT count(*) FROM marts.fct_publication_institution WHERE country_code IS NULL"
    ).fetchone()
    assert institutions == 0


def test_real_records_in_both_sources_merge(tmp_path):
    work = real_openalex_work()
    variant = copy.deepcopy(real_eric_response()["response"]["docs"][0])
    variant.update(
        id="EJ1170001",
        title="The State of OA: A Large-Scale Analysis of the Prevalence and Impact of "
        "Open Access Articles",
        author=["Piwowar, Heather", "Priem, Jason"],
        publicationdateyear=2018,
    )

    def prepare(con):
        store = RawStore(tmp_path / "raw")
        for source, position, body in (
            ("openalex", "*", openalex_page([work], None, 1)),  # a cursor
            ("eric", "0", eric_page([real_eric_response()["response"]["docs"][0], variant], 0, 2)),
        ):
            writer = store.start_run(source, "q", "run1", {})
            writer.write_page(
                position=position, url="http://x", body=json.dumps(body).encode(), records=1
            )
        load_literature_pages(con, tmp_path / "raw")

    con = build(tmp_path, prepare, select="+dim_publication")
    rows = con.execute(
        "SELECT source_record_keys, match_rules, doi, is_peer_reviewed FROM marts.dim_publication "
        "ORDER BY source_record_count DESC"
    ).fetchall()
    assert work["title"].startswith("The state of OA")
    assert rows[0] == (
        ["openalex:W2741809807", "eric:EJ1170001"],
        ["title_year"],
        "10.7717/peerj.4375",
        True,
    )
    assert rows[1][0] == ["eric:EJ1286736"]
    # the real ERIC record says ["English"]: its language, and the language it is coded in
    assert con.execute(
        """SELECT language, coding_language, coding_language_source, authors_truncated
        FROM marts.dim_publication WHERE eric_id = 'EJ1286736'"""
    ).fetchone() == ("en", "en", "source", False)


def test_demo_coding_sheet_has_every_component_with_its_evidence(demo):
    (publications,) = demo.execute("SELECT count(*) FROM marts.dim_publication").fetchone()
    rows = demo.execute(
        """SELECT component_code, is_evidenced, evidence_sentence, evidence_matched_words
           FROM marts.mart_literature_coding_sheet"""
    ).fetchall()
    assert len(rows) == publications * 10
    evidenced = [r for r in rows if r[1]]
    assert {r[0] for r in evidenced} == {r[0] for r in rows}  # all ten, in the demo
    for _, _, sentence, words in evidenced:
        assert all(word in sentence.lower() for word in words)
    (sentence,) = demo.execute(
        """SELECT evidence_sentence FROM marts.mart_literature_coding_sheet
           WHERE openalex_id = 'W9000000010' AND component_code = 'resources'"""
    ).fetchone()
    assert sentence.startswith("Matched funding paid for mentor time")


def test_demo_publication_themes_cover_title_and_abstract(demo):
    themes = demo.execute(
        """SELECT t.concept_code, t.mention_count, t.in_title, t.matched_words
           FROM marts.fct_publication_theme AS t
           JOIN marts.dim_publication AS p USING (publication_sk)
           WHERE p.openalex_id = 'W9000000002'"""
    ).fetchall()
    by_code = {code: (count, in_title, words) for code, count, in_title, words in themes}
    assert by_code["networked_learning_community"][1] is True  # in the title
    assert by_code["networking"] == (1, False, ["networking"])  # abstract only
    assert {"roles_and_responsibilities", "communications"} <= set(by_code)


def test_demo_eric_language_picks_the_coding_language(demo):
    rows = {
        eric_id: rest
        for eric_id, *rest in demo.execute(
            """SELECT eric_id, language, coding_language, coding_language_source
            FROM marts.dim_publication WHERE eric_id IS NOT NULL"""
        ).fetchall()
    }
    assert rows["EJ1300007"] == ["en", "en", "source"]  # ERIC-only, ERIC says English
    assert rows["ED6100008"] == [None, None, "all"]  # ERIC gives no language
    assert rows["EJ1400009"] == [None, None, "all"]  # English and Spanish: no single language
    by_source = dict(
        demo.execute(
            "SELECT coding_language_source, count(*) FROM marts.dim_publication GROUP BY 1"
        ).fetchall()
    )
    assert by_source == {"source": 17, "all": 2}
    # the coding reads that column: the text language of each coded sentence is it
    coded = dict(
        demo.execute(
            """SELECT p.eric_id, list_distinct(list(coalesce(c.text_language, 'all')))
            FROM intermediate.int_publication_sentences_coded c
            JOIN marts.dim_publication p USING (publication_sk)
            WHERE p.eric_id IN ('EJ1300007', 'EJ1400009') GROUP BY 1"""
        ).fetchall()
    )
    assert coded == {"EJ1300007": ["en"], "EJ1400009": ["all"]}


def test_eric_and_others_is_not_an_author_but_a_truncated_list(demo):
    authors, truncated = demo.execute(
        """SELECT list(a.author_name ORDER BY a.author_order), any_value(p.authors_truncated)
        FROM marts.fct_publication_author a
        JOIN marts.dim_publication p USING (publication_sk) WHERE p.eric_id = 'ED6100008'"""
    ).fetchone()
    assert (authors, truncated) == (["Nakato, Ruth"], True)
    assert demo.execute(
        """SELECT count(*) FROM marts.fct_publication_author
        WHERE lower(author_name) LIKE '%and others%'"""
    ).fetchone() == (0,)
    assert demo.execute(
        "SELECT count(*) FILTER (WHERE authors_truncated) FROM marts.dim_publication"
    ).fetchone() == (1,)
