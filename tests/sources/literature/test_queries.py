"""The literature searches are configuration: the bundled file loads, bad files say why."""

import pytest

from sources.literature.queries import QueryConfigError, load_queries


def test_bundled_queries_cover_the_codebook_vocabulary():
    queries = load_queries()
    ids = [q.id for q in queries]
    assert len(ids) == len(set(ids))
    text = " ".join((q.openalex_search or "") + (q.eric_search or "") for q in queries).lower()
    for term in (
        "professional learning communit",
        "networked learning communit",
        "school-university partnership",
        "lesson study",
        "instructional coaching",
        "school-to-school",
        "teacher collaboration",
    ):
        assert term in text, term
    assert all(q.openalex_search and q.eric_search for q in queries)


def test_queries_file_can_be_replaced_by_environment(tmp_path, monkeypatch):
    path = tmp_path / "q.yaml"
    path.write_text("queries:\n  - id: only_one\n    eric:\n      search: lesson study\n")
    monkeypatch.setenv("LT_LITERATURE_QUERIES", str(path))
    [query] = load_queries()
    assert (query.id, query.eric_search, query.openalex_search) == (
        "only_one",
        "lesson study",
        None,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("queries: []", "non-empty list"),
        ("queries:\n  - id: Bad-Id\n    eric: {search: x}", "snake_case"),
        (
            "queries:\n  - id: a\n    eric: {search: x}\n  - id: a\n    eric: {search: y}",
            "duplicate",
        ),
        ("queries:\n  - id: a\n    description: nothing to search", "needs openalex.search"),
    ],
)
def test_bad_queries_file_names_the_file_and_the_entry(tmp_path, text, message):
    path = tmp_path / "queries.yaml"
    path.write_text(text)
    with pytest.raises(QueryConfigError, match=message) as error:
        load_queries(path)
    assert str(path) in str(error.value)
