"""PDF first-page dates (real PDFs) and the labelled-date reader on publishers' wordings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.reviews.labels import extract_labelled_dates
from scholardesk.sources.reviews.pdf import parse_pdf

D = dt.date
Fixture = Callable[[str], Path]


def test_cambridge_multi_stage_history(real_fixture: Fixture) -> None:
    path = real_fixture("pdf/cermine_example1_intpsychogeriatrics_2014.pdf")
    h = parse_pdf(path.read_bytes(), path.name)
    assert h.doi == "10.1017/s1041610213001804"
    # "Received 9 May 2013; revision requested 18 Jun 2013; revised version received
    #  16 Sep 2013; accepted 18 Sep 2013."
    assert (h.received, h.revised, h.accepted) == (D(2013, 5, 9), D(2013, 9, 16), D(2013, 9, 18))
    assert h.source == "pdf"


def test_bmc_dates_after_page_one(real_fixture: Fixture) -> None:
    path = real_fixture("pdf/cermine_example2_bmc_hsr_2014.pdf")
    h = parse_pdf(path.read_bytes(), path.name)
    assert (h.received, h.accepted, h.online) == (D(2013, 9, 4), D(2013, 12, 27), D(2014, 1, 2))
    assert h.doi == "10.1186/1472-6963-14-1"


def test_hindawi_first_page(real_fixture: Fixture) -> None:
    path = real_fixture("pdf/cermine_test2_hindawi_rrp_2010.pdf")
    h = parse_pdf(path.read_bytes(), path.name)
    assert (h.received, h.accepted) == (D(2010, 11, 9), D(2010, 12, 25))
    assert h.doi == "10.1155/2010/157939"


def _blank_pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_pdf_without_text_layer_is_refused() -> None:
    with pytest.raises(InputError, match="no text layer"):
        parse_pdf(_blank_pdf(), "scan.pdf")


def test_not_a_pdf() -> None:
    with pytest.raises(InputError, match="not a PDF"):
        parse_pdf(b"hello", "x.pdf")


@pytest.mark.parametrize(
    ("text", "received", "revised", "accepted", "online"),
    [
        (("Manuscript received July 5, 2019; revised September 1, 2019; accepted October 2, "
          "2019. Date of publication October 10, 2019; date of current version May 1, 2020."),
         D(2019, 7, 5), D(2019, 9, 1), D(2019, 10, 2), D(2019, 10, 10)),
        ("收稿日期：2021-05-05；修回日期：2021年6月1日；录用日期：2021.07.01；网络出版日期：2021/07/20",
         D(2021, 5, 5), D(2021, 6, 1), D(2021, 7, 1), D(2021, 7, 20)),
        (("Received 3 March 2020; Received in revised form 4 May 2020; Accepted 5 June 2020; "
          "Available online 9 June 2020"), D(2020, 3, 3), D(2020, 5, 4), D(2020, 6, 5),
         D(2020, 6, 9)),
        ("Received: 5th May 2021 / Accepted: 17 November 2021, 00:00:00 / Published: 2021-12-01",
         D(2021, 5, 5), None, D(2021, 11, 17), D(2021, 12, 1)),
    ],
)
def test_labelled_wordings(
    text: str, received: dt.date, revised: dt.date | None, accepted: dt.date, online: dt.date
) -> None:
    found = extract_labelled_dates(text)
    assert (found.received, found.revised, found.accepted, found.online) == (
        received, revised, accepted, online)


def test_labels_ignore_unlabelled_words_and_far_away_repeats() -> None:
    text = (
        "Control samples received methanol alone. Received 23 Jan 2013 Accepted 13 Mar 2013 "
        "Published online: 24 Apr 2013" + " filler" * 400 + " Published online: 5 Aug 2006"
    )
    found = extract_labelled_dates(text)
    assert (found.received, found.accepted, found.online) == (
        D(2013, 1, 23), D(2013, 3, 13), D(2013, 4, 24))


def _text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF printing ``lines`` (Helvetica, top to bottom)."""
    def literal(line: str) -> bytes:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")

    ops = b"BT /F1 9 Tf 50 800 Td " + b" 0 -14 Td ".join(b"(%s) Tj" % literal(x) for x in lines)
    ops += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize(
    ("name", "journal", "issn"),
    [
        # "International Psychogeriatrics (2014), 26:1, 147-154"; the Cambridge PII in the DOI
        # carries the ISSN
        ("cermine_example1_intpsychogeriatrics_2014.pdf", "International Psychogeriatrics",
         "1041-6102"),
        # "Agyeman-Duah et al. BMC Health Services Research 2014, 14:1"; DOI 10.1186/1472-6963-…
        ("cermine_example2_bmc_hsr_2014.pdf", "BMC Health Services Research", "1472-6963"),
        # "Rehabilitation Research and Practice / Volume 2010, Article ID 157939"
        ("cermine_test2_hindawi_rrp_2010.pdf", "Rehabilitation Research and Practice", ""),
    ],
)
def test_the_journal_is_read_from_the_pdf(
    real_fixture: Fixture, name: str, journal: str, issn: str
) -> None:
    h = parse_pdf(real_fixture(f"pdf/{name}").read_bytes(), name)
    assert (h.journal, h.issn) == (journal, issn)


def test_portland_press_clinical_science_first_page() -> None:
    pdf = _text_pdf([
        "Clinical Science (2014) 126, 25-35 (Printed in Great Britain) doi: 10.1042/CS20130123",
        "A study of something clinical",
        "Received 19 July 2013/20 August 2013; accepted 2 September 2013",
        "Published as Immediate Publication 9 September 2013, doi: 10.1042/CS20130123",
    ])
    h = parse_pdf(pdf, "cs.pdf")
    assert h.journal == "Clinical Science"
    assert h.doi == "10.1042/cs20130123"
    assert (h.received, h.revisions, h.accepted, h.online) == (
        D(2013, 7, 19), (D(2013, 8, 20),), D(2013, 9, 2), D(2013, 9, 9))


def test_peerj_computer_science_by_header_and_doi() -> None:
    lines = [
        "Submitted 12 January 2016", "Accepted 3 March 2016", "Published 21 March 2016",
        "How to cite this article Smith et al. (2016), Tracing code. PeerJ Comput. Sci. 2:e50",
    ]
    assert parse_pdf(_text_pdf(lines), "peerj.pdf").journal == "PeerJ Comput. Sci."
    h = parse_pdf(_text_pdf([*lines, "DOI 10.7717/peerj-cs.50"]), "peerj.pdf")
    assert (h.journal, h.doi) == ("PeerJ Computer Science", "10.7717/peerj-cs.50")
    assert (h.received, h.accepted, h.online) == (D(2016, 1, 12), D(2016, 3, 3), D(2016, 3, 21))


def test_no_journal_when_neither_header_nor_doi_names_one() -> None:
    h = parse_pdf(_text_pdf(["A plain preprint", "Received 1 May 2020; accepted 2 June 2020"]),
                  "plain.pdf")
    assert (h.journal, h.issn, h.eissn) == ("", "", "")


@pytest.mark.parametrize(
    ("doi", "issn"),
    [
        ("10.1017/s1041610213001804", "1041-6102"),  # Cambridge PII
        ("10.1016/s0009-2614(97)04014-1", "0009-2614"),  # Elsevier PII
        ("10.1186/1472-6963-14-1", "1472-6963"),  # older BioMed Central
        ("10.1186/s12913-014-0001-y", ""),  # newer BMC: no ISSN in the DOI
        ("10.1017/s1041610213001805", "1041-6102"),
        ("10.1017/s1041610313001804", ""),  # check digit wrong: not an ISSN
    ],
)
def test_issn_printed_in_the_doi(doi: str, issn: str) -> None:
    from scholardesk.sources.reviews.pdf import issn_from_doi

    assert issn_from_doi(doi) == issn
