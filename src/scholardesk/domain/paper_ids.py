"""Recognising paper identifiers in whatever form users paste them.

arXiv ids: ``2401.16650``, ``arXiv:2401.16650v2``, ``https://arxiv.org/abs/2401.16650``,
``https://arxiv.org/pdf/2401.16650v1.pdf``, old style ``hep-th/9901001`` and
``math.GT/0309136``; the arXiv DOI ``10.48550/arXiv.2401.16650`` is an arXiv id too.
DOIs: ``10.1000/xyz``, ``doi:10.1000/xyz``, ``DOI: 10.1000/xyz``, ``https://doi.org/10.1000/xyz``
(URL-encoded too), the other resolvers (``dx.doi.org``, ``doi.acm.org``, ``doi.wiley.com``,
``doi.ieeecomputersociety.org``, ``hdl.handle.net``) and publisher pages whose path is
``/doi/[abs|full|pdf|epdf|book]/10.…`` (ACM, Wiley, T&F, SAGE, APS …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from scholardesk.domain.text_clean import fix_url

_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_CORE = re.compile(rf"^({_NEW_ID}|{_OLD_ID})(?:v(\d+))?$", re.IGNORECASE)
_ARXIV_URL = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html|format)/({_NEW_ID}|{_OLD_ID})(?:v(\d+))?(?:\.pdf)?", re.IGNORECASE
)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.({_NEW_ID}|{_OLD_ID})(?:v(\d+))?$", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_LABEL = re.compile(r"^(?:doi\s*:?\s*(?=10\.)|doi:\s*)", re.IGNORECASE)
# A resolver host: everything after it is the DOI.
_DOI_RESOLVER = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:dx\.)?(?:doi\.org|doi\.acm\.org|doi\.wiley\.com"
    r"|doi\.ieeecomputersociety\.org|doi\.apa\.org|hdl\.handle\.net)/+(?=10\.)",
    re.IGNORECASE,
)
# A publisher page: ``https://dl.acm.org/doi/abs/10.1145/...``; the DOI is the rest of the path.
_DOI_PAGE = re.compile(
    r"^https?://[^/\s]+/(?:[^?#\s]*/)?doi/(?:(?:abs|full|pdf|epdf|pdfdirect|book|fulltext)/)?"
    r"(10\.\d{4,9}/[^?#\s]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ArxivId:
    id: str  # without version, e.g. "2401.16650" or "hep-th/9901001"
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id


def _old_style_case(ident: str) -> str:
    if "/" in ident:
        archive, number = ident.split("/", 1)
        if "." in archive:
            arch, sub = archive.split(".", 1)
            return f"{arch.lower()}.{sub.upper()}/{number}"
        return f"{archive.lower()}/{number}"
    return ident


def parse_arxiv_id(text: str) -> ArxivId | None:
    """The arXiv id in ``text`` (bare, prefixed, URL or arXiv DOI), or None."""
    if not text:
        return None
    raw = fix_url(text.strip()).strip().rstrip("/.")
    m = _ARXIV_URL.search(raw)
    if m is None:
        core = _ARXIV_PREFIX.sub("", raw)
        m = _ARXIV_CORE.match(core)
        if m is None:
            m = _ARXIV_DOI.match(normalise_doi(raw) or "")
            if m is None:
                return None
    ident = _old_style_case(m.group(1))
    return ArxivId(ident, int(m.group(2)) if m.group(2) else None)


def normalise_doi(text: str | None) -> str | None:
    """A DOI in canonical form (lowercase, no resolver prefix), or None if there is none."""
    if not text:
        return None
    doi = text.strip()
    if "://" in doi:
        doi = fix_url(doi)
    doi = _DOI_LABEL.sub("", doi)
    resolver = _DOI_RESOLVER.match(doi)
    if resolver is not None:
        doi = doi[resolver.end():]
        if "://" in text:  # a URL's query or fragment is not part of the DOI
            doi = re.split(r"[?#]", doi, maxsplit=1)[0]
    elif "://" in doi:
        page = _DOI_PAGE.match(doi)
        if page is None:
            return None
        doi = page.group(1)
    doi = unquote(doi).strip().rstrip(".,;").lower()
    return doi if _DOI.match(doi) else None


@dataclass(frozen=True)
class Identifier:
    kind: str  # "arxiv" | "doi"
    value: str  # arXiv id without version / normalised DOI
    version: int | None = None
    raw: str = ""


def parse_identifier(text: str) -> Identifier | None:
    """What a user pasted: an arXiv id (any form) or a DOI (any form), else None."""
    arxiv = parse_arxiv_id(text)
    if arxiv is not None:
        return Identifier("arxiv", arxiv.id, arxiv.version, text)
    doi = normalise_doi(text)
    if doi is not None:
        return Identifier("doi", doi, None, text)
    return None


def looks_like_bibtex(text: str) -> bool:
    return re.search(r"@\s*[A-Za-z]+\s*[{(]", text) is not None


def split_identifiers(text: str) -> list[str]:
    """Pasted text → tokens (one per id); separators are whitespace, commas and semicolons."""
    return [t for t in re.split(r"[\s,;]+", text.strip()) if t]
