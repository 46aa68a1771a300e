"""The rules that judge published-version candidates."""

from __future__ import annotations

from scholardesk.domain.published_versions import (
    AMBIGUOUS,
    PUBLISHED,
    Candidate,
    Target,
    decide,
    judge,
    plausible_year,
    same_venue,
)

T = Target("Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), 2017, "1706.03762")


def test_a_plausible_year_is_from_one_before_to_four_after_the_preprint() -> None:
    assert [plausible_year(2017, y) for y in (2015, 2016, 2021, 2022)] == [
        False, True, True, False]


def test_venue_spellings_that_name_one_venue() -> None:
    assert same_venue("NIPS", "Neural Information Processing Systems")
    assert same_venue("Nat. Mac. Intell.", "Nature Machine Intelligence")
    assert not same_venue("ICML", "Neural Information Processing Systems")


def test_implausible_year_and_strangers_are_rejected_with_reasons() -> None:
    v = judge(T, [
        Candidate("dblp", "Attention is all you need.", ("A. Vaswani",), 2025, "NIPS"),
        Candidate("crossref", "Attention Is All You Need", ("J. Doe",), 2017, "Some Journal"),
    ])
    assert v.accepted == ()
    assert [r.reason for r in v.rejected] == [
        "published 2025, implausible for a preprint of 2017", "no author in common"]


def test_two_agreeing_sources_beat_one_and_a_rival_year_makes_it_ambiguous() -> None:
    neurips = Candidate("dblp", T.title, T.authors, 2017, "NIPS", "conference")
    openalex = Candidate("openalex", T.title, T.authors, 2017, "Neural Information Processing Systems")
    one = decide(T, [judge(T, [neurips])])
    two = decide(T, [judge(T, [neurips]), judge(T, [openalex])])
    assert one.status == two.status == PUBLISHED and two.confidence > one.confidence
    rival = Candidate("crossref", T.title, T.authors, 2019, "Some Journal", doi="10.1/x")
    assert decide(T, [judge(T, [neurips]), judge(T, [rival])]).status == AMBIGUOUS
