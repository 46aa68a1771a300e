"""Publisher page parser on the real saved pages (and synthetic IEEE/MDPI/error pages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.reviews.publisher_html import parse_html

D = dt.date
Fixture = Callable[[str], Path]
DATA = Path(__file__).resolve().parents[2] / "data" / "reviews"

# file, doi, journal, received, revisions, accepted, online, published
CASES = [
    ("papis_APS_PhysRevX.12.041027.html", "10.1103/physrevx.12.041027", "Physical Review X",
     D(2022, 1, 19), (D(2022, 9, 21),), D(2022, 10, 13), D(2022, 12, 9), None),
    ("papis_Fallback_peerj.html", "10.7717/peerj.4886", "PeerJ",
     D(2018, 2, 14), (), D(2018, 5, 11), D(2018, 5, 24), None),
    ("papis_IOPScience_ab007b.html", "10.1088/1748-605x/ab007b", "Biomedical Materials",
     D(2018, 9, 6), (D(2019, 1, 16),), D(2019, 1, 21), D(2019, 4, 15), None),
    ("papis_ScienceDirect_S0009261497040141.html", "10.1016/s0009-2614(97)04014-1",
     "Chemical Physics Letters",
     D(1997, 3, 6), (), D(1997, 8, 26), D(1998, 4, 14), D(1997, 10, 31)),
    ("papis_ScienceDirect_S146290112300117X.html", "10.1016/j.envsci.2023.04.016",
     "Environmental Science & Policy",
     D(2021, 6, 17), (D(2023, 1, 25),), D(2023, 4, 16), D(2023, 4, 21), D(2023, 7, 1)),
    ("papis_SpringerLink_BF02727953.html", "10.1007/bf02727953", "Il Nuovo Cimento B (1971-1996)",
     D(1976, 8, 16), (), None, D(2007, 10, 23), D(1977, 1, 1)),
    ("papis_old_tandfonline_1.html", "10.1080/00268976.2013.788745", "Molecular Physics",
     D(2013, 1, 23), (), D(2013, 3, 13), D(2013, 4, 15), None),
    ("papis_old_tandfonline_2.html", "10.1080/23311932.2015.1117749", "Cogent Food & Agriculture",
     D(2015, 10, 17), (), D(2015, 10, 21), D(2015, 12, 14), None),
    ("sandcrawler_elife_article.html", "10.7554/elife.44753", "eLife",
     D(2018, 12, 28), (), D(2019, 4, 11), D(2019, 4, 18), None),
    ("sandcrawler_plos_one_article.html", "10.1371/journal.pone.0213978", "PLOS ONE",
     D(2018, 6, 22), (), D(2019, 3, 5), D(2019, 4, 22), None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_publisher_pages(real_fixture: Fixture, case: tuple) -> None:  # type: ignore[type-arg]
    name, doi, journal, received, revisions, accepted, online, published = case
    h = parse_html(real_fixture(f"publisher_html/{name}").read_bytes(), name)
    assert h.doi == doi
    assert h.journal == journal
    assert h.received == received
    assert h.revisions == revisions
    assert h.accepted == accepted
    assert h.online == online
    if published is not None:
        assert h.published == published
    assert h.source == "html"
    assert h.title


def test_page_metadata(real_fixture: Fixture) -> None:
    plos = parse_html(real_fixture("publisher_html/sandcrawler_plos_one_article.html").read_bytes())
    assert plos.issn == "1932-6203"
    assert plos.article_type == "Research Article"
    sd = parse_html(
        real_fixture("publisher_html/papis_ScienceDirect_S146290112300117X.html").read_bytes()
    )
    assert sd.title == "Nature-based solutions through collective actions for spatial justice in urban green commons"
    assert sd.issn == "1462-9011"
    assert sd.days("received-revised") == 587


def test_ieee_xplore_metadata_page() -> None:
    h = parse_html((DATA / "ieee_xplore_page.html").read_bytes(), "ieee")
    assert h.doi == "10.1109/tpami.2099.0000001"
    assert h.journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert (h.issn, h.eissn) == ("0162-8828", "1939-3539")
    assert (h.received, h.revised, h.accepted, h.online) == (
        D(2020, 7, 5), D(2020, 11, 20), D(2021, 2, 26), D(2021, 3, 14))


def test_mdpi_pubhistory_page() -> None:
    h = parse_html((DATA / "mdpi_page.html").read_bytes(), "mdpi")
    assert (h.doi, h.journal, h.issn) == ("10.3390/s99990001", "Sensors", "1424-8220")
    assert (h.received, h.revised, h.accepted, h.online) == (
        D(2021, 3, 12), D(2021, 4, 8), D(2021, 4, 12), D(2021, 4, 15))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("cloudflare_challenge.html", "Cloudflare"),
        ("not_found.html", "404"),
        ("no_dates.html", "no received/accepted dates"),
    ],
)
def test_pages_that_are_not_articles(name: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_html((DATA / name).read_bytes(), name)
