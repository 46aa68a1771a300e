"""The search box's query language: what the search matches and the table marks."""

from __future__ import annotations

from scholardesk.domain.paper_query import Term, highlight_words, parse_query


def test_field_prefixes_phrases_and_stopwords() -> None:
    assert parse_query('au:"Del Maestro" ti:graph state of the art') == [
        Term("Del Maestro", "authors", True), Term("graph", "title"), Term("state"),
        Term("art"),
    ]
    assert parse_query('"state of the art"') == [Term("state of the art", quoted=True)]
    assert parse_query("http://x.org") == [Term("http://x.org")]  # not a field prefix
    assert parse_query("the") == [Term("the")]  # only stopwords: they are the query


def test_the_table_marks_the_words_the_search_looks_for() -> None:
    assert highlight_words('au:Bengio "deep learning" of transform*') == [
        "Bengio", "deep learning", "transform"]
    assert highlight_words("cat:cs.CL 语音") == ["cs.CL", "语音"]
    assert highlight_words("   ") == []
