"""OpenAlex works by title (``/works?filter=title.search:...``) as published-version
candidates. OpenAlex often keeps the preprint and the article as two works (with different
titles, even): each work is one candidate; preprints (type ``preprint``, or only a
repository location) are the preprint itself. The venue is the primary location's source,
or the first published location in a journal or conference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress
from scholardesk.domain.paper_ids import normalise_doi
from scholardesk.domain.published_versions import ARXIV_DOI_PREFIX, Candidate
from scholardesk.sources.http import PoliteClient
from scholardesk.sources.resolve_http import RequestCount, get_json

SOURCE = "openalex"
_ARXIV_URL = re.compile(r"arxiv\.org/abs/([^\s?#]+?)(?:v\d+)?$", re.IGNORECASE)


def _source(location: Any) -> Mapping[str, Any]:
    if isinstance(location, Mapping) and isinstance(location.get("source"), Mapping):
        return location["source"]
    return {}


def work_to_candidate(work: Mapping[str, Any]) -> Candidate:
    title = str(work.get("display_name") or work.get("title") or "").strip()
    if not title:
        raise ValueError("an OpenAlex work without a title")
    doi = normalise_doi(str(work.get("doi") or "")) or None
    locations = [loc for loc in work.get("locations") or [] if isinstance(loc, Mapping)]
    primary = work.get("primary_location")
    venue_src = _source(primary)
    if not venue_src or venue_src.get("type") == "repository":
        venue_src = next(
            (_source(loc) for loc in locations
             if _source(loc).get("type") in ("journal", "conference") and loc.get("is_published")),
            venue_src,
        )
    arxiv_id = None
    if doi and doi.startswith(ARXIV_DOI_PREFIX):
        arxiv_id = doi[len(ARXIV_DOI_PREFIX):]
    for loc in locations:
        m = _ARXIV_URL.search(str(loc.get("landing_page_url") or ""))
        if m:
            arxiv_id = arxiv_id or m.group(1)
    biblio = work.get("biblio") if isinstance(work.get("biblio"), Mapping) else {}
    first, last = str(biblio.get("first_page") or ""), str(biblio.get("last_page") or "")
    year = work.get("publication_year")
    kind = str(venue_src.get("type") or "")
    return Candidate(
        source=SOURCE,
        title=title,
        authors=tuple(
            str(a["author"].get("display_name"))
            for a in work.get("authorships") or []
            if isinstance(a, Mapping) and isinstance(a.get("author"), Mapping)
            and a["author"].get("display_name")
        ),
        year=year if isinstance(year, int) else None,
        venue=str(venue_src.get("display_name") or "") if kind != "repository" else "",
        kind=kind if kind in ("journal", "conference") else "",
        doi=doi,
        pages=f"{first}--{last}" if first and last else first,
        volume=str(biblio.get("volume") or ""),
        arxiv_id=arxiv_id,
        is_preprint=work.get("type") == "preprint" or kind == "repository",
        ref=str(work.get("id") or ""),
    )


def works_from_json(data: Any) -> list[Candidate]:
    if isinstance(data, Mapping) and isinstance(data.get("results"), list):
        works = data["results"]
    elif isinstance(data, Mapping) and data.get("id"):
        works = [data]
    else:
        raise NetworkError("OpenAlex answered something that is not a list of works.")
    out = []
    for w in works:
        if isinstance(w, Mapping):
            try:
                out.append(work_to_candidate(w))
            except ValueError:
                continue
    return out


class OpenAlex:
    def __init__(self, http: PoliteClient, base_url: str, contact_email: str = "", count: RequestCount | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.count = count or RequestCount()
        self.contact_email = contact_email

    def search_title(self, title: str, progress: Progress | None = None) -> list[Candidate]:
        # title.search takes words: a comma would end the filter value
        params: dict[str, str | int] = {
            "filter": "title.search:" + title.replace(",", " "), "per-page": 10,
        }
        if self.contact_email:  # OpenAlex's polite pool
            params["mailto"] = self.contact_email
        data = get_json(self.http, f"{self.base_url}/works", params, progress, "OpenAlex",
                        count=self.count)
        return [] if data is None else works_from_json(data)
