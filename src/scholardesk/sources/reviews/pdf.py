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
) -> tuple[str, LabelledDates, PdfReader, list[str]]:
    """(text of the pages read, their dates, the open PDF, the text of each page read)."""
    reader = open_pdf(data, source, limits)
    text = ""
    found = LabelledDates()
    pages: list[str] = []
    for index in range(min(reader.page_count, MAX_PAGES)):
        pages.append(reader.text(index))
        text += "\n" + pages[-1]
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
    return text, found, reader, pages


# --- the journal, from the page header or the DOI ------------------------------------------

_YEAR = r"(?:19|20)\d\d"
_NAME = r"[A-Z][\w&.,:'’\- ]{2,80}?"
# "International Psychogeriatrics (2014), 26:1, 147–154", "Clinical Science (2014) 126, 25–35",
# "Agyeman-Duah et al. BMC Health Services Research 2014, 14:1"
_CITATION_LINE = re.compile(
    rf"^(?:.{{0,80}}?\bet al\.\s+)?(?P<j>{_NAME})\s*(?:\({_YEAR}\)|,?\s+{_YEAR})\s*,?\s*"
    r"(?:Vol(?:ume|\.)?\s*)?\d{1,4}\s*[:,(]"
)
# "PeerJ Comput. Sci. 2:e93" (an e-locator after the journal's capitalised words)
_ELOCATOR = re.compile(r"(?P<j>[A-Z][\w.&]*(?:\s+[A-Z&][\w.&]*){0,5})\s+\d{1,4}:e\d+")
# Hindawi: the journal's line is followed by "Volume 2010, Article ID 157939"
_VOLUME_ARTICLE = re.compile(rf"^Volume\s+{_YEAR},\s*Article\s+ID\b")
_NOT_A_JOURNAL = re.compile(
    r"^(?:copyright|©|volume|vol\.|received|accepted|published|doi|http|www\.|issn|page)"
    r"|publishing corporation$|https?:|@",
    re.IGNORECASE,
)
HEADER_LINES = 60

# DOIs whose journal is fixed by their prefix
_DOI_JOURNALS = (
    ("10.7717/peerj-cs.", "PeerJ Computer Science"),
    ("10.7717/peerj.", "PeerJ"),
    ("10.7554/elife.", "eLife"),
    ("10.1371/journal.pone.", "PLOS ONE"),
    ("10.1371/journal.pbio.", "PLOS Biology"),
    ("10.1371/journal.pcbi.", "PLOS Computational Biology"),
    ("10.1371/journal.pgen.", "PLOS Genetics"),
    ("10.1371/journal.pmed.", "PLOS Medicine"),
    ("10.1371/journal.pntd.", "PLOS Neglected Tropical Diseases"),
    ("10.1371/journal.ppat.", "PLOS Pathogens"),
    ("10.1038/srep", "Scientific Reports"),
    ("10.1038/ncomms", "Nature Communications"),
    ("10.1042/cs", "Clinical Science"),
    ("10.1042/bj", "Biochemical Journal"),
    ("10.1042/bsr", "Bioscience Reports"),
)
# DOIs that carry the journal's ISSN: Elsevier and Cambridge PIIs ("S1041610213001804",
# "S0009-2614(97)04014-1"), older BioMed Central DOIs ("1472-6963-14-1")
_DOI_ISSN = (
    re.compile(r"^10\.(?:1016|1017)/s(\d{4})-?(\d{3}[\dx])"),
    re.compile(r"^10\.1186/(\d{4})-(\d{3}[\dx])-"),
)


def _issn_checks(digits: str) -> bool:
    total = sum(int(c) * w for c, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return digits[7].upper() == ("X" if check == 10 else str(check))


def issn_from_doi(doi: str) -> str:
    """The ISSN a DOI carries (checksum verified), else ""."""
    for pattern in _DOI_ISSN:
        m = pattern.match(doi.lower())
        if m and _issn_checks(m.group(1) + m.group(2)):
            return f"{m.group(1)}-{m.group(2).upper()}"
    return ""


def journal_from_doi(doi: str) -> str:
    doi = doi.lower()
    return next((name for prefix, name in _DOI_JOURNALS if doi.startswith(prefix)), "")


def _journal_name(candidate: str) -> str:
    name = " ".join(candidate.split()).strip(" ,.:;-")
    if candidate.rstrip().endswith("."):  # "PeerJ Comput. Sci." keeps its last full stop
        name += "."
    if len(name) < 3 or _NOT_A_JOURNAL.search(name) or not re.search(r"[A-Za-z]{2}", name):
        return ""
    return name


def journal_from_header(page: str) -> str:
    """The journal printed in a first page's running header or citation line ("" if none)."""
    lines = [" ".join(line.split()) for line in page.splitlines()[:HEADER_LINES]]
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        if index and _VOLUME_ARTICLE.match(line):
            name = _journal_name(lines[index - 1])
            if name:
                return name
        m = _CITATION_LINE.match(line[:200])
        if m and (name := _journal_name(m.group("j"))):
            return name
    for line in lines:
        m = _ELOCATOR.search(line[:300])
        if m and (name := _journal_name(m.group("j"))):
            return name
    return ""


def _title(info: dict[str, str]) -> str:
    """The PDF's Title entry when it looks like a title (not a file or job name)."""
    title = " ".join(info.get("Title", "").split())
    return title if len(title.split()) >= 3 and not title.lower().endswith((".doc", ".pdf")) else ""


def parse_pdf(data: bytes, source: str = "pdf", url: str = "") -> ArticleHistory:
    if not data.startswith(b"%PDF"):
        raise InputError(f"{source} is not a PDF file.")
    text, found, reader, pages = pdf_text_and_dates(data, source)
    info = reader.info
    if not found.has_history:
        raise InputError(
            f"{source}: no received/accepted dates found in the first {MAX_PAGES} pages.",
            "The journal may not print review history; enter the dates by hand if you know them.",
        )
    m = _DOI.search(text) or _DOI.search(info.get("Subject", "") + " " + info.get("doi", ""))
    if m is None and len(pages) < reader.page_count:  # BMC prints "doi:10.1186/..." last
        m = _DOI.search(reader.text(reader.page_count - 1))
    doi = normalise_doi(m.group(1).rstrip(".,;)") if m else "")
    journal = journal_from_doi(doi) or journal_from_header(pages[0] if pages else "")
    return ArticleHistory(
        doi=doi,
        title=_title(info),
        journal=journal,
        issn=issn_from_doi(doi),
        received=found.received,
        revisions=tuple(sorted(found.revisions)),
        accepted=found.accepted,
        online=found.online,
        published=found.published,
        source="pdf",
        source_url=url or (f"https://doi.org/{doi}" if doi else ""),
    ).with_defaults()
