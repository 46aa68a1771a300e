"""Crossref works (DOI metadata) → paper records; ``/works/{doi}`` through the polite client.

Reads the envelope ``{"status", "message-type": "work", "message"}``, a bare ``message``
object, and work lists (``message.items``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from scholardesk.core.progress import Progress
from scholardesk.domain.paper_ids import normalise_doi
from scholardesk.domain.papers import PaperRecord
from scholardesk.domain.text_clean import clean_text, fix_url, strip_markup
from scholardesk.sources.http import AnswerError, HttpResponse, PoliteClient

logger = logging.getLogger(__name__)

CROSSREF_API = "https://api.crossref.org"

_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "posted-content": "misc",
    "dissertation": "phdthesis",
    "report": "techreport",
    "dataset": "misc",
    "standard": "standard",
}


def _first(value: object) -> str:
    if isinstance(value, list):
        return clean_text(str(value[0])) if value else ""
    return clean_text(str(value)) if value else ""


def _date_parts(message: Mapping[str, Any], *keys: str) -> list[int]:
    for key in keys:
        block = message.get(key)
        if isinstance(block, dict):
            parts = block.get("date-parts") or [[]]
            if parts and parts[0] and parts[0][0]:
                return [int(p) for p in parts[0] if p is not None]
    return []


def work_to_record(message: Mapping[str, Any], source: str) -> PaperRecord:
    """One Crossref work object (the ``message``) as a record."""
    doi = normalise_doi(str(message.get("DOI", "")))
    title = _first(message.get("title"))
    subtitle = _first(message.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    if not title:
        raise ValueError(f"Crossref has no title for {doi or 'this work'}")
    authors: list[str] = []
    for a in message.get("author") or []:
        if not isinstance(a, dict):
            continue
        name = " ".join(x for x in (a.get("given"), a.get("family")) if x) or a.get("name", "")
        if name:
            authors.append(clean_text(name))
    parts = _date_parts(message, "published-print", "published-online", "issued", "published")
    year = parts[0] if parts else None
    published = "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[:3])) if len(parts) == 3 else ""
    links: dict[str, str] = {}
    url = fix_url(str(message.get("URL", "")))
    if url:
        links["url"] = url
    for link in message.get("link") or []:
        if isinstance(link, dict) and link.get("content-type") == "application/pdf":
            links["pdf"] = fix_url(link.get("URL"))
            break
    extra: dict[str, str] = {}
    for src, dst in (("volume", "volume"), ("issue", "number"), ("page", "pages"), ("publisher", "publisher")):
        value = message.get(src)
        if value:
            extra[dst] = clean_text(str(value)).replace("-", "--") if dst == "pages" else clean_text(str(value))
    issn = message.get("ISSN")
    if isinstance(issn, list) and issn:
        extra["issn"] = ", ".join(str(x) for x in issn)
    return PaperRecord(
        title=title,
        source_kind="crossref",
        source_ref=source,
        record_ref=doi or "",
        authors=tuple(authors),
        year=year,
        abstract=strip_markup(message.get("abstract")),
        doi=doi,
        venue=_first(message.get("container-title")),
        entry_type=_TYPES.get(str(message.get("type", "")), "misc"),
        published=published,
        links=links,
        extra=extra,
    )


def works_from_json(data: Any, source: str) -> list[Mapping[str, Any]]:
    """The work objects in a Crossref response (single work, envelope, or list)."""
    if not isinstance(data, dict):
        raise ValueError("not a Crossref response (expected a JSON object)")
    message = data.get("message", data)
    if isinstance(message, dict) and isinstance(message.get("items"), list):
        return [m for m in message["items"] if isinstance(m, dict)]
    if isinstance(message, dict) and ("DOI" in message or "title" in message):
        return [message]
    raise ValueError("not a Crossref work or work list")


class CrossrefWorks:
    def __init__(self, http: PoliteClient, base_url: str = CROSSREF_API) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def fetch(self, doi: str, progress: Progress | None = None) -> PaperRecord | None:
        """The work for ``doi``; None when Crossref does not know it (404)."""
        url = f"{self.base_url}/works/{quote(doi, safe='/')}"

        def parse(resp: HttpResponse) -> PaperRecord:
            # Only an answer that reads as a work is cached (a truncated or HTML one is not).
            try:
                data = resp.json()
            except ValueError as exc:
                raise AnswerError(
                    f"Crossref answered something that is not JSON for {doi}.",
                    "Try again later; nothing of this answer was kept.",
                ) from exc
            try:
                works = works_from_json(data, url)
            except ValueError as exc:
                raise AnswerError(
                    f"Crossref answered something that is not a work for {doi} ({exc}).",
                    "Try again later; nothing of this answer was kept.",
                ) from exc
            return work_to_record(works[0], f"https://doi.org/{doi}")

        resp, record = self.http.get_parsed(url, parse, progress=progress, use_cache=True)
        if resp.status == 404:
            return None
        return record
