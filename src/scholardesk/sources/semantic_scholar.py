"""Semantic Scholar Graph API: a paper by title (``/paper/search/match``) or by arXiv id
(``/paper/arXiv:<id>``), as published-version candidates.

About one request per second without an API key (the shared pacing in ``PoliteClient``); an
optional key from Settings is sent as ``x-api-key``. S2 merges a preprint and its published
version into one record: ``externalIds.ArXiv`` ties it to our paper, ``publicationVenue`` /
``journal`` / ``venue`` say where it appeared ("arXiv.org" / journal "ArXiv" when nowhere);
its ``year`` is then the preprint's, so the published year has to come from another source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress
from scholardesk.domain.paper_ids import normalise_doi
from scholardesk.domain.published_versions import Candidate, is_preprint_doi, is_preprint_venue
from scholardesk.sources.http import PoliteClient
from scholardesk.sources.resolve_http import RequestCount, get_json

SOURCE = "semanticscholar"
FIELDS = "title,authors,year,venue,publicationVenue,journal,externalIds,publicationTypes"


def paper_to_candidate(paper: Mapping[str, Any]) -> Candidate:
    """One S2 paper object as a candidate."""
    if not isinstance(paper, Mapping) or not isinstance(paper.get("title"), str):
        raise ValueError("not a Semantic Scholar paper (no title)")
    ext = paper.get("externalIds") if isinstance(paper.get("externalIds"), Mapping) else {}
    pv = paper.get("publicationVenue") if isinstance(paper.get("publicationVenue"), Mapping) else {}
    journal = paper.get("journal") if isinstance(paper.get("journal"), Mapping) else {}
    names = [str(pv.get("name") or ""), str(journal.get("name") or ""), str(paper.get("venue") or "")]
    real = [n for n in names if n and not is_preprint_venue(n)]
    venue = real[0] if real else ""
    types = [str(t) for t in paper.get("publicationTypes") or []]
    kind = str(pv.get("type") or "").lower()
    if kind not in ("journal", "conference"):
        kind = "conference" if "Conference" in types else "journal" if journal.get("name") else ""
    doi = normalise_doi(str(ext.get("DOI") or "")) or None
    if doi and is_preprint_doi(doi):
        doi = None
    volume = str(journal.get("volume") or "").strip()
    if volume.lower().startswith("abs/"):
        volume = ""
    # S2 merges the preprint into the published record and keeps the first version's year
    # (ChemCrow: 2023, published 2024): a merged record's year is not the publication's.
    year = None if ext.get("ArXiv") else paper.get("year")
    return Candidate(
        source=SOURCE,
        title=paper["title"],
        authors=tuple(str(a.get("name")) for a in paper.get("authors") or []
                      if isinstance(a, Mapping) and a.get("name")),
        year=year if isinstance(year, int) else None,
        venue=venue,
        kind=kind,
        doi=doi,
        pages=str(journal.get("pages") or "").replace(" ", "") if venue else "",
        volume=volume if venue else "",
        arxiv_id=str(ext["ArXiv"]) if ext.get("ArXiv") else None,
        is_preprint=not venue and not doi,
        ref=str(paper.get("paperId") or ""),
    )


class SemanticScholar:
    def __init__(self, http: PoliteClient, base_url: str, api_key: str = "", count: RequestCount | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.count = count or RequestCount()
        self.api_key = api_key

    def _get(self, path: str, params: dict[str, str | int], progress: Progress | None) -> Any:
        headers = {"x-api-key": self.api_key} if self.api_key else None
        return get_json(self.http, f"{self.base_url}/graph/v1{path}", params, progress,
                        "Semantic Scholar", headers, self.count)

    def match_title(self, title: str, progress: Progress | None = None) -> list[Candidate]:
        """The best title match (S2 answers 404 when it has none)."""
        data = self._get("/paper/search/match", {"query": title, "fields": FIELDS}, progress)
        if data is None:
            return []
        items = data.get("data") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise NetworkError("Semantic Scholar answered something that is not a search result.")
        return [paper_to_candidate(p) for p in items if isinstance(p, Mapping)]

    def by_arxiv(self, arxiv_id: str, progress: Progress | None = None) -> list[Candidate]:
        data = self._get(f"/paper/arXiv:{quote(arxiv_id, safe='')}", {"fields": FIELDS}, progress)
        if data is None:
            return []
        return [paper_to_candidate(data)]
