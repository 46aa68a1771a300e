"""Crossref bibliographic search (``/works?query.bibliographic=<title + first author>``) as
published-version candidates, with the ``relation`` links between a preprint and its
article: ``has-preprint`` (on the article: our preprint DOI ties it to our paper) and
``is-preprint-of`` (on a preprint: where it was published).

Crossref's title search is generous: its first hit for "Attention Is All You Need" is a NAACL
2018 paper. The candidates are judged by ``domain.published_versions``, never trusted as is.
(Beside ``crossref_works``, which reads one work by DOI for imports.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress
from scholardesk.domain.paper_ids import normalise_doi
from scholardesk.domain.published_versions import Candidate
from scholardesk.domain.text_clean import clean_text, surname
from scholardesk.sources.crossref_works import works_from_json
from scholardesk.sources.http import PoliteClient
from scholardesk.sources.resolve_http import RequestCount, get_json

SOURCE = "crossref"
_CONFERENCE_TYPES = {"proceedings-article"}
_PREPRINT_TYPES = {"posted-content"}


def _first(value: object) -> str:
    if isinstance(value, list):
        return clean_text(str(value[0])) if value else ""
    return clean_text(str(value)) if value else ""


def _year(message: Mapping[str, Any]) -> int | None:
    for key in ("published-print", "published-online", "issued", "published"):
        block = message.get(key)
        if isinstance(block, Mapping):
            parts = block.get("date-parts") or [[]]
            if parts and parts[0] and parts[0][0]:
                return int(parts[0][0])
    return None


def _related(message: Mapping[str, Any], name: str) -> tuple[str, ...]:
    relation = message.get("relation")
    if not isinstance(relation, Mapping):
        return ()
    out = []
    for item in relation.get(name) or []:
        if isinstance(item, Mapping) and str(item.get("id-type", "doi")).lower() == "doi":
            doi = normalise_doi(str(item.get("id") or ""))
            if doi:
                out.append(doi)
    return tuple(out)


def work_to_candidate(message: Mapping[str, Any]) -> Candidate:
    title = _first(message.get("title"))
    subtitle = _first(message.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    if not title:
        raise ValueError("a Crossref work without a title")
    authors = []
    for a in message.get("author") or []:
        if isinstance(a, Mapping):
            name = " ".join(str(x) for x in (a.get("given"), a.get("family")) if x) or str(
                a.get("name") or "")
            if name:
                authors.append(clean_text(name))
    kind = str(message.get("type") or "")
    container = _first(message.get("container-title"))
    return Candidate(
        source=SOURCE,
        title=title,
        authors=tuple(authors),
        year=_year(message),
        venue=container,
        kind="conference" if kind in _CONFERENCE_TYPES else "journal" if kind == "journal-article"
        else "",
        doi=normalise_doi(str(message.get("DOI") or "")) or None,
        pages=clean_text(str(message.get("page") or "")).replace("-", "--"),
        volume=clean_text(str(message.get("volume") or "")),
        preprint_dois=_related(message, "has-preprint"),
        published_dois=_related(message, "is-preprint-of"),
        is_preprint=kind in _PREPRINT_TYPES,
        ref=normalise_doi(str(message.get("DOI") or "")) or "",
    )


def candidates_from_json(data: Any) -> list[Candidate]:
    try:
        works = works_from_json(data, "crossref")
    except ValueError as exc:
        raise NetworkError(f"Crossref answered something that is not a work list ({exc}).") from exc
    out = []
    for w in works:
        try:
            out.append(work_to_candidate(w))
        except ValueError:
            continue
    return out


class CrossrefSearch:
    def __init__(self, http: PoliteClient, base_url: str, contact_email: str = "", count: RequestCount | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.count = count or RequestCount()
        self.contact_email = contact_email

    def bibliographic(
        self, title: str, authors: tuple[str, ...] = (), progress: Progress | None = None,
        rows: int = 5,
    ) -> list[Candidate]:
        query = f"{title} {surname(authors[0])}" if authors else title
        params: dict[str, str | int] = {
            "query.bibliographic": query.strip(), "rows": rows,
            "select": "DOI,title,subtitle,author,type,container-title,issued,published-print,"
                      "published-online,page,volume,relation",
        }
        if self.contact_email:
            params["mailto"] = self.contact_email
        data = get_json(self.http, f"{self.base_url}/works", params, progress, "Crossref",
                        count=self.count)
        return [] if data is None else candidates_from_json(data)

    def work(self, doi: str, progress: Progress | None = None) -> list[Candidate]:
        from urllib.parse import quote

        data = get_json(self.http, f"{self.base_url}/works/{quote(doi, safe='/')}", {}, progress,
                        "Crossref", count=self.count)
        return [] if data is None else candidates_from_json(data)
