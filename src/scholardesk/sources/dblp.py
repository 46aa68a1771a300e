"""DBLP publication search (``/search/publ/api?q=...&format=json``) as published-version
candidates. CoRR entries (``journals/corr/...``, venue "CoRR") are the arXiv preprint itself.

The answer: ``result.hits.hit[].info`` with ``authors.author`` (a list, or one object when
there is a single author), ``title`` (ending in a period), ``venue`` (a string or a list),
``year``, ``type``, ``key``, ``doi``, ``ee``; counts such as ``@total`` are strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress
from scholardesk.domain.paper_ids import normalise_doi
from scholardesk.domain.published_versions import Candidate
from scholardesk.sources.http import PoliteClient
from scholardesk.sources.resolve_http import RequestCount, get_json

SOURCE = "dblp"
_HOMONYM = re.compile(r"\s+\d{4}$")  # "Wei Wang 0001"
_ARXIV_EE = re.compile(r"arxiv\.org/abs/([^\s/?#]+(?:/\d{7})?)", re.IGNORECASE)


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("text") or "")
    return str(value or "")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def info_to_candidate(info: Mapping[str, Any]) -> Candidate:
    title = _text(info.get("title")).strip()
    if not title:
        raise ValueError("a DBLP hit without a title")
    title = title[:-1] if title.endswith(".") else title
    authors_block = info.get("authors")
    raw_authors = _list(authors_block.get("author")) if isinstance(authors_block, Mapping) else []
    authors = tuple(_HOMONYM.sub("", _text(a)).strip() for a in raw_authors if _text(a))
    venues = [_text(v) for v in _list(info.get("venue")) if _text(v)]
    key = str(info.get("key") or "")
    year_text = str(info.get("year") or "")
    kind_text = str(info.get("type") or "")
    preprint = key.startswith("journals/corr/") or "CoRR" in venues or kind_text.startswith(
        "Informal")
    arxiv_id = None
    for ee in _list(info.get("ee")):
        m = _ARXIV_EE.search(_text(ee))
        if m:
            arxiv_id = re.sub(r"v\d+$", "", m.group(1))
    doi = normalise_doi(str(info.get("doi") or "")) or None
    return Candidate(
        source=SOURCE,
        title=title,
        authors=authors,
        year=int(year_text) if year_text.isdigit() else None,
        venue=venues[0] if venues else "",
        kind="journal" if kind_text.startswith("Journal") else "conference"
        if kind_text.startswith("Conference") else "",
        doi=doi,
        pages=str(info.get("pages") or ""),
        volume=str(info.get("volume") or ""),
        arxiv_id=arxiv_id,
        is_preprint=preprint,
        ref=key,
    )


def hits_from_json(data: Any) -> list[Candidate]:
    result = data.get("result") if isinstance(data, Mapping) else None
    if not isinstance(result, Mapping) or not isinstance(result.get("hits"), Mapping):
        raise NetworkError("DBLP answered something that is not a search result.")
    out = []
    for hit in _list(result["hits"].get("hit")):
        info = hit.get("info") if isinstance(hit, Mapping) else None
        if isinstance(info, Mapping):
            try:
                out.append(info_to_candidate(info))
            except ValueError:
                continue
    return out


class Dblp:
    def __init__(self, http: PoliteClient, base_url: str, count: RequestCount | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.count = count or RequestCount()

    def search(self, title: str, progress: Progress | None = None) -> list[Candidate]:
        data = get_json(self.http, f"{self.base_url}/search/publ/api",
                        {"q": title, "format": "json", "h": 10}, progress, "DBLP",
                        count=self.count)
        return [] if data is None else hits_from_json(data)
