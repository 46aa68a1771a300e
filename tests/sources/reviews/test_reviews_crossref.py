"""Crossref JSON parser on the real recorded Crossref responses."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.reviews import ACCEPTED_BEFORE_RECEIVED
from scholardesk.sources.reviews.crossref import parse_crossref

D = dt.date
Fixture = Callable[[str], Path]


def _parse(real_fixture: Fixture, name: str):  # type: ignore[no-untyped-def]
    return parse_crossref(real_fixture(f"crossref/{name}").read_bytes(), name)


def test_springer_scientific_reports_history(real_fixture: Fixture) -> None:
    [h] = _parse(real_fixture, "habanero_work_springer_srep16696.json")
    assert h.doi == "10.1038/srep16696"
    assert h.journal == "Scientific Reports"
    assert h.eissn == "2045-2322" and h.issn == ""
    assert (h.received, h.accepted, h.online) == (D(2015, 7, 21), D(2015, 10, 19), D(2015, 11, 19))
    assert h.days("received-accepted") == 90
    assert h.source == "crossref" and h.source_url == "https://doi.org/10.1038/srep16696"


def test_elife_bare_message_with_iso_dates(real_fixture: Fixture) -> None:
    [h] = _parse(real_fixture, "commonmeta-py_crossref_elife.01567.json")
    assert h.doi == "10.7554/elife.01567"
    assert (h.received, h.accepted, h.online) == (D(2013, 9, 20), D(2013, 12, 24), D(2014, 2, 11))


def test_wiley_back_issue(real_fixture: Fixture) -> None:
    [h] = _parse(real_fixture, "habanero_work_wiley_jor.1100150407.json")
    assert (h.issn, h.eissn) == ("0736-0266", "1554-527X")
    assert (h.received, h.accepted, h.online) == (D(1996, 11, 25), D(1997, 6, 18), D(2005, 2, 18))
    assert h.published == D(1997, 7, 1) or h.published is None
    assert "production_over_5_years" in h.flags


def test_nature_reviews_accepted_and_first_online_only(real_fixture: Fixture) -> None:
    [h] = _parse(real_fixture, "abbotsbury_test2_springer_nrmp_10.1038_s43586-021-00024-3.json")
    assert h.received is None
    assert (h.accepted, h.online) == (D(2021, 2, 18), D(2021, 4, 8))
    assert h.days("accepted-online") == 49


@pytest.mark.parametrize(
    "name",
    [
        "abbotsbury_test1_acs_orglett_10.1021_acs.orglett.9b00971.json",
        "habanero_work_elsevier_neurobiolaging.2010.03.024.json",
        "dissemin_crossref_batch_elsevier_ieee.json",
    ],
)
def test_works_without_assertions_have_no_history(real_fixture: Fixture, name: str) -> None:
    works = _parse(real_fixture, name)
    assert works and not any(w.has_history for w in works)


def test_springer_chapters_with_date_time_strings(real_fixture: Fixture) -> None:
    chapter, other = _parse(real_fixture, "habanero_works_rows2_springer_chapters.json")
    assert chapter.doi == "10.1007/978-3-658-17671-6_18-1"
    assert chapter.article_type == "book-chapter"
    assert (chapter.received, chapter.accepted, chapter.online) == (
        D(2017, 11, 17), D(2018, 5, 29), D(2018, 11, 3))
    assert not other.has_history and other.online == D(2024, 1, 5)


def test_sample5_list_taylor_and_francis(real_fixture: Fixture) -> None:
    works = _parse(real_fixture, "commonmeta-py_works_sample5_tandf_elsevier_ieee.json")
    assert len(works) == 5
    [tf] = [w for w in works if w.has_history]
    assert tf.doi == "10.1080/19420889.2017.1395120"
    assert tf.journal == "Communicative & Integrative Biology"  # entity unescaped
    assert (tf.received, tf.accepted, tf.online) == (D(2017, 10, 13), D(2017, 10, 17), D(2017, 12, 14))


def test_boettiger_works_list(real_fixture: Fixture) -> None:
    works = _parse(real_fixture, "habanero_works_query_ecology_author_boettiger_20items.json")
    assert len(works) == 20
    with_history = [w for w in works if w.has_history]
    assert len(with_history) == 12
    assert sum(1 for w in works if w.received and w.accepted) == 11
    by_doi = {w.doi: w for w in works}
    bad = by_doi["10.1111/2041-210x.13954"]
    assert (bad.received, bad.accepted) == (D(2022, 9, 14), D(2022, 6, 14))
    assert ACCEPTED_BEFORE_RECEIVED in bad.flags
    assert bad.included_days("received-accepted") is None
    fee = by_doi["10.1002/fee.70021"]
    assert fee.received is None and fee.accepted == D(2025, 11, 18)
    theo = by_doi["10.1007/s12080-020-00477-4"]
    assert (theo.received, theo.accepted, theo.online) == (D(2020, 1, 3), D(2020, 7, 16), D(2020, 8, 7))
    assert (theo.issn, theo.eissn) == ("1874-1738", "1874-1746")
    mee = by_doi["10.1111/2041-210x.14013"]
    assert mee.journal == "Methods in Ecology and Evolution"
    assert mee.days("received-accepted") == 100


def test_not_crossref_json_and_truncated_json(tmp_path: Path, real_fixture: Fixture) -> None:
    with pytest.raises(InputError, match="not a Crossref"):
        parse_crossref(b'{"hello": 1}', "x.json")
    data = real_fixture("crossref/habanero_work_springer_srep16696.json").read_bytes()
    with pytest.raises(InputError, match="not valid JSON"):
        parse_crossref(data[: len(data) // 2], "half.json")


def test_rsc_history_is_one_free_text_assertion() -> None:
    # the Royal Society of Chemistry deposits its history as one assertion named "history"
    work = {
        "DOI": "10.1039/d0sc02582f", "type": "journal-article",
        "container-title": ["Chemical Science"], "issn-type": [
            {"value": "2041-6520", "type": "print"}, {"value": "2041-6539", "type": "electronic"}],
        "published-print": {"date-parts": [[2020, 7, 7]]},
        "assertion": [
            {"value": "Received 7 May 2020, Accepted 18 May 2020, Advance Article published "
                      "22 May 2020", "order": 0, "name": "history", "label": "History"},
            {"value": "This article is licensed under a Creative Commons Attribution 3.0 "
                      "Unported Licence.", "name": "licence"},
        ],
    }
    [h] = parse_crossref(json.dumps({"status": "ok", "message-type": "work",
                                     "message": work}).encode(), "rsc.json")
    assert (h.received, h.accepted, h.online) == (D(2020, 5, 7), D(2020, 5, 18), D(2020, 5, 22))
    assert h.published == D(2020, 7, 7)
    assert h.has_history and h.days("received-accepted") == 11
