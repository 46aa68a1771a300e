"""Article PDFs → ArticleHistory, from the text of the first pages.

The history footnote is usually on page 1 ("Received 9 November 2010; Accepted 25 December
2010", "Received 9 May 2013; revision requested 18 Jun 2013; revised version received 16 Sep
2013; accepted 18 Sep 2013", IEEE "Manuscript received ...; revised ...; accepted ...",
Chinese 收稿日期 / 修回日期 / 录用日期). Some layouts (BMC) print it at the end of the
article, so when the first pages have no labelled dates the following pages are read too, up
to ``MAX_PAGES``. A PDF without a text layer (a scan) is refused with that reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from scholardesk.core.errors import InputError
from scholardesk.domain.reviews import ArticleHistory, normalise_doi
from scholardesk.sources.pdf_reader import PdfLimits, PdfReader
from scholardesk.sources.reviews.labels import LabelledDates, extract_labelled_dates

logger = logging.getLogger(__name__)

LIMITS = PdfLimits(max_stream_bytes=32 << 20, max_total_bytes=128 << 20, max_seconds=30.0)

FIRST_PAGES = 2
MAX_PAGES = 15
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")


def open_pdf(data: bytes, source: str, limits: PdfLimits | None = None) -> PdfReader:
    """The article PDF, opened within the limits (``MAX_PAGES`` and the last page are read)."""
    return PdfReader(data, source, limits or replace(LIMITS, max_pages=MAX_PAGES + 1))


def pdf_text_and_dates(
    data: bytes, source: str, limits: PdfLimits | None = None
) -> tuple[str, LabelledDates, PdfReader, int]:
    """(text of the pages read, their dates, the open PDF, pages read)."""
    reader = open_pdf(data, source, limits)
    text = ""
    found = LabelledDates()
    read = 0
    for index in range(min(reader.page_count, MAX_PAGES)):
        read = index + 1
        text += "\n" + reader.text(index)
        if index + 1 < FIRST_PAGES:
            continue
        found = extract_labelled_dates(text)
        if found.has_history:
            break
    if not found.has_history and reader.page_count < FIRST_PAGES:
        found = extract_labelled_dates(text)
    if not text.strip():
        raise InputError(
            f"{source} has no text layer (a scanned PDF?), so its dates cannot be read.",
            "Import the article's web page or Crossref record instead, or enter the dates by hand.",
        )
    return text, found, reader, read


def _title(info: dict[str, str]) -> str:
    """The PDF's Title entry when it looks like a title (not a file or job name)."""
    title = " ".join(info.get("Title", "").split())
    return title if len(title.split()) >= 3 and not title.lower().endswith((".doc", ".pdf")) else ""


def parse_pdf(data: bytes, source: str = "pdf", url: str = "") -> ArticleHistory:
    if not data.startswith(b"%PDF"):
        raise InputError(f"{source} is not a PDF file.")
    text, found, reader, read = pdf_text_and_dates(data, source)
    info = reader.info
    if not found.has_history:
        raise InputError(
            f"{source}: no received/accepted dates found in the first {MAX_PAGES} pages.",
            "The journal may not print review history; enter the dates by hand if you know them.",
        )
    m = _DOI.search(text) or _DOI.search(info.get("Subject", "") + " " + info.get("doi", ""))
    if m is None and read < reader.page_count:  # BMC prints "doi:10.1186/..." on the last page
        m = _DOI.search(reader.text(reader.page_count - 1))
    doi = normalise_doi(m.group(1).rstrip(".,;)") if m else "")
    return ArticleHistory(
        doi=doi,
        title=_title(info),
        received=found.received,
        revisions=tuple(sorted(found.revisions)),
        accepted=found.accepted,
        online=found.online,
        published=found.published,
        source="pdf",
        source_url=url or (f"https://doi.org/{doi}" if doi else ""),
    ).with_defaults()
