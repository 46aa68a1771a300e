"""Article PDFs → ArticleHistory, from the text of the first pages.

The history footnote is usually on page 1 ("Received 9 November 2010; Accepted 25 December
2010", "Received 9 May 2013; revision requested 18 Jun 2013; revised version received 16 Sep
2013; accepted 18 Sep 2013", IEEE "Manuscript received ...; revised ...; accepted ...",
Chinese 收稿日期 / 修回日期 / 录用日期). Some layouts (BMC) print it at the end of the
article, so when the first pages have no labelled dates the following pages are read too, up
to ``MAX_PAGES``. A PDF without a text layer (a scan) is refused with that reason.
"""

from __future__ import annotations

import io
import logging
import re

from scholardesk.core.errors import InputError
from scholardesk.domain.reviews import ArticleHistory, normalise_doi
from scholardesk.sources.reviews.labels import LabelledDates, extract_labelled_dates

logger = logging.getLogger(__name__)

FIRST_PAGES = 2
MAX_PAGES = 15
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")


def _info_string(value: object) -> str:
    if isinstance(value, bytes):
        if value.startswith(b"\xfe\xff"):
            return value[2:].decode("utf-16-be", errors="replace")
        return value.decode("latin-1", errors="replace")
    return str(value) if value is not None else ""


def _pdf_pages(data: bytes, source: str) -> tuple[list[object], dict[str, str]]:
    # pdfminer logs every odd colour operator at WARNING; those say nothing about the dates
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.pdftypes import resolve1
    from pdfminer.psexceptions import PSException

    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser)
        pages = list(PDFPage.create_pages(document))
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{source} is not a readable PDF ({exc}).") from exc
    info: dict[str, str] = {}
    for entry in document.info or []:
        for key, value in entry.items():
            try:
                info[str(key)] = _info_string(resolve1(value))
            except (PSException, ValueError, TypeError, KeyError):  # damaged info: ignore it
                logger.debug("Unreadable PDF info entry %s in %s", key, source)
    return list(pages), info


def _page_text(page: object) -> str:
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    out = io.StringIO()
    manager = PDFResourceManager()
    device = TextConverter(manager, out, laparams=LAParams())
    try:
        PDFPageInterpreter(manager, device).process_page(page)  # type: ignore[arg-type]
    finally:
        device.close()
    return out.getvalue()


def pdf_text_and_dates(
    data: bytes, source: str
) -> tuple[str, LabelledDates, dict[str, str], list[object]]:
    pages, info = _pdf_pages(data, source)
    text = ""
    found = LabelledDates()
    read = 0
    for index, page in enumerate(pages[:MAX_PAGES]):
        read = index + 1
        text += "\n" + _page_text(page)
        if index + 1 < FIRST_PAGES:
            continue
        found = extract_labelled_dates(text)
        if found.has_history:
            break
    if not found.has_history and len(pages) < FIRST_PAGES:
        found = extract_labelled_dates(text)
    if not text.strip():
        raise InputError(
            f"{source} has no text layer (a scanned PDF?), so its dates cannot be read.",
            "Import the article's web page or Crossref record instead, or enter the dates by hand.",
        )
    return text, found, info, pages[read:]


def _title(info: dict[str, str]) -> str:
    """The PDF's Title entry when it looks like a title (not a file or job name)."""
    title = " ".join(info.get("Title", "").split())
    return title if len(title.split()) >= 3 and not title.lower().endswith((".doc", ".pdf")) else ""


def parse_pdf(data: bytes, source: str = "pdf", url: str = "") -> ArticleHistory:
    if not data.startswith(b"%PDF"):
        raise InputError(f"{source} is not a PDF file.")
    text, found, info, unread = pdf_text_and_dates(data, source)
    if not found.has_history:
        raise InputError(
            f"{source}: no received/accepted dates found in the first {MAX_PAGES} pages.",
            "The journal may not print review history; enter the dates by hand if you know them.",
        )
    m = _DOI.search(text) or _DOI.search(info.get("Subject", "") + " " + info.get("doi", ""))
    if m is None and unread:  # BMC prints "doi:10.1186/..." on the last page
        m = _DOI.search(_page_text(unread[-1]))
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
