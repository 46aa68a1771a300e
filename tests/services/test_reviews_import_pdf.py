"""Importing article PDFs through ReviewsService: the journal comes from the PDF (header, or
the ISSN its DOI carries, named from the library), and hostile PDFs are refused per file."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

from scholardesk.domain.reviews import ArticleQuery
from scholardesk.services.context import Services

Fixture = Callable[[str], Path]


def _pdf(content: bytes, flate: bool = False) -> bytes:
    stream = zlib.compress(content) if flate else content
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n%s\nendstream"
        % (len(stream), b" /Filter /FlateDecode" if flate else b"", stream),
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


def _text(*lines: str) -> bytes:
    body = b" 0 -14 Td ".join(b"(%s) Tj" % line.encode("latin-1") for line in lines)
    return b"BT /F1 9 Tf 50 800 Td " + body + b" ET"


def test_issn_from_the_doi_takes_the_journal_title_from_the_library(
    services: Services, real_fixture: Fixture
) -> None:
    svc = services.reviews
    page = real_fixture("publisher_html/papis_ScienceDirect_S0009261497040141.html")
    assert svc.import_files([page]).imported == 1  # Chemical Physics Letters, ISSN 0009-2614
    pdf = _pdf(_text("doi:10.1016/S0009-2614\\(98\\)00001-2",
                     "Received 2 January 1998; accepted 3 March 1998"))
    report = svc.import_data(pdf, "cpl.pdf")
    assert (report.imported, report.errors) == (1, [])
    rows = svc.articles(ArticleQuery(journal="0009-2614"))
    assert sorted((r.history.source, r.history.journal) for r in rows) == [
        ("html", "Chemical Physics Letters"), ("pdf", "Chemical Physics Letters")]


def test_a_pdf_naming_no_journal_still_asks_for_journal(services: Services) -> None:
    report = services.reviews.import_data(
        _pdf(_text("Received 2 January 1998; accepted 3 March 1998")), "plain.pdf")
    assert report.imported == 0
    assert [e.message for e in report.errors] == ["no journal name or ISSN; give --journal"]


def test_a_flate_bomb_is_one_refused_file_not_a_crash(services: Services) -> None:
    bomb = _pdf(bytes(100 << 20), flate=True)  # 100 MB of zeros in ~100 KB
    report = services.reviews.import_data(bomb, "bomb.pdf")
    assert report.imported == 0
    [err] = report.errors
    assert err.source == "bomb.pdf" and "decompresses to more than 32 MB" in err.message
