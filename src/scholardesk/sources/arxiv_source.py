"""The arXiv API (``export.arxiv.org/api/query``) through the shared polite client.

Why not the ``arxiv`` package: every request must go through ``PoliteClient`` (per-host
pacing of 3 s for export.arxiv.org as arXiv's terms ask, retries honouring Retry-After,
cancellation, the proxy from settings), and the responses must be parsed by the same code that
reads saved Atom files (``sources/atom.py``), so one parser is tested against the recorded
fixtures. The query parameters are the ones the ``arxiv`` package sends.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.sources.atom import AtomFeed, parse_atom
from scholardesk.sources.http import PoliteClient

logger = logging.getLogger(__name__)

ARXIV_API = "https://export.arxiv.org/api/query"


class ArxivApi:
    def __init__(
        self, http: PoliteClient, base_url: str = ARXIV_API, page_size: int = 100
    ) -> None:
        self.http = http
        self.base_url = base_url
        self.page_size = page_size

    def _query(self, params: dict[str, str | int], progress: Progress) -> AtomFeed:
        resp = self.http.get(self.base_url, params=params, progress=progress)
        if resp.status >= 400:
            raise NetworkError(f"arXiv answered HTTP {resp.status}.", "Try again later.")
        feed = parse_atom(resp.body, resp.url)
        if feed.errors and not feed.records and feed.entries_seen == 0:
            raise NetworkError(
                f"arXiv answered something that is not an Atom feed ({feed.errors[0].message}).",
                "Try again later.",
            )
        return feed

    def fetch_ids(self, ids: Sequence[str], progress: Progress | None = None) -> AtomFeed:
        """Metadata for arXiv ids (with or without version), in chunks of ``page_size``."""
        progress = progress or no_progress()
        out = AtomFeed()
        for start in range(0, len(ids), self.page_size):
            chunk = ids[start : start + self.page_size]
            progress.report(start, len(ids), "arXiv")
            feed = self._query(
                {"search_query": "", "id_list": ",".join(chunk), "start": 0,
                 "max_results": len(chunk)},
                progress,
            )
            out.records.extend(feed.records)
            out.errors.extend(feed.errors)
        return out

    def search_pages(
        self,
        search_query: str,
        max_results: int = 500,
        progress: Progress | None = None,
        sort_by: str = "submittedDate",
    ) -> Iterator[AtomFeed]:
        """Pages of results, newest first; the caller stops iterating when it has enough."""
        progress = progress or no_progress()
        start = 0
        while start < max_results:
            size = min(self.page_size, max_results - start)
            feed = self._query(
                {"search_query": search_query, "id_list": "", "sortBy": sort_by,
                 "sortOrder": "descending", "start": start, "max_results": size},
                progress,
            )
            yield feed
            if feed.entries_seen == 0:
                return
            start += feed.entries_seen
            if feed.total_results is not None and start >= feed.total_results:
                return
