"""Identifiers, validation flags and duplicate merging of article histories."""

from __future__ import annotations

import datetime as dt

from scholardesk.domain.reviews import (
    ACCEPTED_BEFORE_RECEIVED,
    ONLINE_BEFORE_ACCEPTED,
    PRODUCTION_OVER_5_YEARS,
    REVIEW_OVER_5_YEARS,
    ArticleHistory,
    IntervalStats,
    is_excluded,
    merge,
    normalise_doi,
    normalise_issn,
    normalise_journal,
    validate,
)

D = dt.date


def test_identifiers() -> None:
    assert normalise_doi("https://doi.org/10.1038/SREP16696") == "10.1038/srep16696"
    assert normalise_doi("doi:10.1111/2041-210X.13954.") == "10.1111/2041-210x.13954"
    assert normalise_doi("not a doi") == ""
    assert normalise_issn("2041210x") == "2041-210X"
    assert normalise_issn("12345") == ""
    assert normalise_journal("The Journal of Ecology & Evolution!") == "journal of ecology and evolution"
    assert normalise_journal("Communicative &amp; Integrative Biology") == normalise_journal(
        "Communicative & Integrative Biology")


def test_flags_and_exclusion() -> None:
    bad = ArticleHistory(received=D(2022, 9, 14), accepted=D(2022, 6, 14))
    assert validate(bad) == (ACCEPTED_BEFORE_RECEIVED,) and is_excluded(bad.flags)
    assert bad.included_days("received-accepted") is None
    slow = ArticleHistory(received=D(2010, 1, 1), accepted=D(2016, 1, 1))
    assert REVIEW_OVER_5_YEARS in slow.flags
    back_issue = ArticleHistory(received=D(1996, 11, 25), accepted=D(1997, 6, 18),
                                online=D(2005, 2, 18))
    assert back_issue.flags == (PRODUCTION_OVER_5_YEARS,)
    assert not is_excluded(back_issue.flags)
    assert back_issue.included_days("received-accepted") == 205
    assert back_issue.included_days("accepted-online") is None
    early = ArticleHistory(received=D(2020, 1, 1), accepted=D(2020, 3, 1), online=D(2020, 2, 1))
    assert early.flags == (ONLINE_BEFORE_ACCEPTED,)
    assert early.included_days("received-online") == 31


def test_merge_fills_gaps_and_keeps_the_first_source() -> None:
    old = ArticleHistory(doi="10.1/x", accepted=D(2021, 2, 18), online=D(2021, 4, 8),
                         source="crossref", source_url="https://doi.org/10.1/x")
    new = ArticleHistory(doi="10.1/x", received=D(2020, 10, 1), accepted=D(2021, 2, 19),
                         revisions=(D(2020, 12, 1),), source="html", title="T")
    merged = merge(old, new)
    assert (merged.received, merged.accepted, merged.revised) == (
        D(2020, 10, 1), D(2021, 2, 18), D(2020, 12, 1))
    assert merged.source == "crossref" and merged.title == "T"
    assert merge(merged, new) == merged  # nothing new: unchanged


def test_keys_and_stats_json() -> None:
    assert ArticleHistory(doi="10.1/x").key == "doi:10.1/x"
    assert ArticleHistory(source_url="https://e.org/a").key == "url:https://e.org/a"
    s = IntervalStats(journal="J", interval="received-accepted", group="", n=25, excluded=1,
                      median_days=90.04)
    data = s.to_json()
    assert data["median_days"] == 90.0 and data["warning"] is None and "group" not in data
