"""Live arXiv queries through the ``arxiv`` package, with ScholarDesk's session settings.

``arxiv.Client`` does the paging (``start``/``max_results`` pages of ``page_size``), the delay
between requests (3 s by default, as arXiv's terms ask) and the retries; its ``Result`` objects
are mapped here to our ``PaperRecord``. Saved Atom files keep our own parser
(``sources/atom.py``); ``sources/arxiv_source.py`` stays the id lookup behind ``papers add``.

What the package cannot be told, and how it is told anyway (arxiv 2.1–2.x, checked against
2.4.1's source):

- the base address: ``Client.query_url_format`` is a class attribute
  (``"https://export.arxiv.org/api/query?{}"``); an instance attribute set from
  ``Settings.service_url("arxiv")`` points one client at a mirror or a local test server;
- the session: ``Client._session`` is a plain ``requests.Session`` created in ``__init__``,
  and each request passes ``headers={"user-agent": "arxiv.py/..."}`` and no timeout. It is
  replaced by ``_OurSession``, which keeps our User-Agent (naming ScholarDesk and the contact
  e-mail), the proxy and the timeout from Settings whatever the package passes;
- a malformed entry: the package skips an entry without id but lets any other missing field
  (``published``, ``authors``…) end the whole generator with an ``AttributeError``; ``_results``
  is overridden (the package's loop, same paging) so that such an entry is skipped and
  counted and the rest of the page is read;
- garbage: an answer that is not an Atom feed parses as an empty first page, which the package
  takes for "no results"; ``_parse_feed`` is overridden to refuse a page without
  ``opensearch:totalResults``, so the caller can say arXiv could not be read.

Every failure reaches the caller as a ``NetworkError`` with a message a user can act on.
"""

from __future__ import annotations

import http.client
import logging
import re
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import arxiv
import feedparser
import requests
import urllib3

from scholardesk import __version__
from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.importing import RecordError
from scholardesk.domain.paper_ids import normalise_doi, parse_arxiv_id
from scholardesk.domain.papers import PaperRecord
from scholardesk.domain.text_clean import clean_text, fix_url
from scholardesk.sources.http import BodyTruncated, read_bounded_body, redact_url

logger = logging.getLogger(__name__)

ARXIV_API = "https://export.arxiv.org/api/query"


@dataclass(frozen=True)
class ArxivClientSettings:
    """The parts of ``Settings`` the client needs (so sources do not read the settings file)."""

    base_url: str = ARXIV_API
    contact_email: str = ""
    proxy: str = ""
    timeout_s: float = 30.0
    delay_s: float = 3.0
    retries: int = 3
    page_size: int = 100
    deadline_s: float = 120.0  # total seconds for one page, headers and body (as sources/http)
    max_body_bytes: int = 20_000_000

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.contact_email}" if self.contact_email else ""
        return f"ScholarDesk/{__version__} (https://github.com/scholardesk{contact})"


class _OurSession(requests.Session):
    """A session whose User-Agent and timeout the ``arxiv`` package cannot override, and
    whose answers are read like every other client's (``sources.http.read_bounded_body``):
    under a total deadline and a size cap, a short body refused."""

    def __init__(self, settings: ArxivClientSettings) -> None:
        super().__init__()
        self._user_agent = settings.user_agent
        self._timeout = settings.timeout_s
        self._deadline_s = settings.deadline_s
        self._max_body_bytes = settings.max_body_bytes
        self.headers["User-Agent"] = self._user_agent
        if settings.proxy:
            self.proxies = {"http": settings.proxy, "https": settings.proxy}

    def request(  # type: ignore[override]
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        headers = {
            k: v for k, v in dict(kwargs.pop("headers", None) or {}).items()
            if str(k).lower() != "user-agent"
        }
        headers["User-Agent"] = self._user_agent
        kwargs["headers"] = headers
        kwargs.setdefault("timeout", (self._timeout, max(0.05, min(self._timeout,
                                                                   self._deadline_s))))
        kwargs["stream"] = True
        started = time.monotonic()
        resp = super().request(method, url, *args, **kwargs)
        try:
            body = read_bounded_body(resp, resp.url or str(url), started=started,
                                     deadline_s=self._deadline_s,
                                     max_body_bytes=self._max_body_bytes)
        except BodyTruncated as exc:
            raise NetworkError(
                f"arXiv's answer was cut off ({exc}; {redact_url(resp.url or str(url))}).",
                "Try again later.",
            ) from exc
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            # a connection broken mid-body: the package retries a ConnectionError
            raise requests.ConnectionError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            resp.close()
        resp._content = body  # what .content returns; the package reads nothing else
        return resp


class _NotAFeed(Exception):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason


class _Client(arxiv.Client):
    """``arxiv.Client`` with our session and base address; malformed entries are counted."""

    def __init__(self, settings: ArxivClientSettings) -> None:
        super().__init__(
            page_size=settings.page_size,
            delay_seconds=settings.delay_s,
            num_retries=settings.retries,
        )
        self._session = _OurSession(settings)
        base = settings.base_url.rstrip("?")
        self.query_url_format = base + ("&{}" if "?" in base else "?{}")
        self.malformed: list[tuple[str, str]] = []  # (entry id or position, reason)

    def _parse_feed(
        self, url: str, first_page: bool = True, _try_index: int = 0
    ) -> feedparser.FeedParserDict:
        feed = super()._parse_feed(url, first_page=first_page, _try_index=_try_index)
        if "opensearch_totalresults" not in feed.feed:
            reason = str(feed.get("bozo_exception") or "no <opensearch:totalResults>")
            raise _NotAFeed(url, reason)
        return feed

    def _results(
        self, search: arxiv.Search, offset: int = 0
    ) -> Generator[arxiv.Result, None, None]:
        # The package's loop (arxiv 2.4.1 Client._results), with every entry that cannot be
        # read skipped and counted instead of only those without an id.
        page_url = self._format_url(search, offset, self.page_size)
        feed = self._parse_feed(page_url, first_page=True)
        if not feed.entries:
            return
        total_results = int(feed.feed.opensearch_totalresults)
        while feed.entries:
            for n, entry in enumerate(feed.entries, offset + 1):
                try:
                    yield arxiv.Result._from_feed_entry(entry)
                except (arxiv.Result.MissingFieldError, AttributeError, KeyError,
                        TypeError, ValueError) as exc:
                    where = str(entry.get("id") or f"entry {n}")
                    self.malformed.append((where, _why(exc)))
            offset += len(feed.entries)
            if offset >= total_results:
                break
            page_url = self._format_url(search, offset, self.page_size)
            feed = self._parse_feed(page_url, first_page=False)


def _why(exc: BaseException) -> str:
    if isinstance(exc, arxiv.Result.MissingFieldError):
        return f"the entry has no {exc.missing_field}"
    if isinstance(exc, AttributeError):
        match = re.search(r"no attribute '(\w+)'", str(exc))
        field_name = (match.group(1) if match else "").removesuffix("_parsed")
        return f"the entry has no {field_name or 'required field'}"
    return f"the entry could not be read ({exc})"


def to_record(result: arxiv.Result, source: str = ARXIV_API) -> PaperRecord:
    """One ``arxiv.Result`` as a paper record, the same fields ``sources/atom.py`` gives a saved
    entry (journal_ref → venue, comment → note). Raises ValueError for an entry that is not a
    paper (an arXiv error entry, no id, no title)."""
    raw_id = result.entry_id or ""
    if "api/errors" in raw_id:
        raise ValueError(f"arXiv reported an error: {clean_text(result.summary or '')}")
    ident = parse_arxiv_id(raw_id)
    if ident is None:
        raise ValueError(f"the entry id {raw_id!r} is not an arXiv id")
    raw = getattr(result, "_raw", None)
    title = clean_text(result.title or "")
    if (raw is not None and "title" not in raw) or not title:
        raise ValueError(f"arXiv entry {ident} has no title")
    cats: list[str] = []
    for term in (result.primary_category, *result.categories):
        if term and term not in cats:
            cats.append(term)
    published = result.published.date().isoformat() if result.published.year > 1 else ""
    updated = result.updated.date().isoformat() if result.updated.year > 1 else ""
    links: dict[str, str] = {}
    pdf = fix_url(result.pdf_url)
    if pdf:
        links["pdf"] = pdf
    journal_ref = clean_text(result.journal_ref or "")
    extra: dict[str, str] = {}
    comment = clean_text(result.comment or "")
    if comment:
        extra["note"] = comment
    return PaperRecord(
        title=title,
        source_kind="arxiv",
        source_ref=source,
        record_ref=str(ident),
        authors=tuple(n for a in result.authors if (n := clean_text(a.name or ""))),
        year=int(published[:4]) if published else None,
        abstract=clean_text(result.summary or ""),
        doi=normalise_doi(result.doi),
        arxiv_id=ident.id,
        arxiv_version=ident.version,
        categories=tuple(cats),
        venue=journal_ref,
        entry_type="article" if journal_ref else "misc",
        published=published,
        updated=updated,
        links=links,
        extra=extra,
    )


@dataclass
class ArxivFetch:
    """What one query brought: records newest first, and the entries that could not be read."""

    records: list[PaperRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


class ArxivClient:
    """Searches arXiv through the ``arxiv`` package. One instance per fetch (the package's
    client keeps the time of its last request to space the next one)."""

    def __init__(self, settings: ArxivClientSettings | None = None) -> None:
        self.settings = settings or ArxivClientSettings()
        self._client = _Client(self.settings)

    def search(
        self,
        query: str,
        max_results: int = 100,
        *,
        newest_first: bool = True,
        progress: Progress | None = None,
    ) -> Iterator[tuple[PaperRecord | None, RecordError | None]]:
        """Records for ``query`` (arXiv search syntax, e.g. ``cat:cs.CL``), newest submission
        first, one ``(record, None)`` or ``(None, error)`` per entry; the caller stops iterating
        when it has enough (no further page is requested). Raises NetworkError when arXiv
        cannot be reached or does not answer with a feed."""
        progress = progress or no_progress()
        search = arxiv.Search(
            query=query,
            max_results=max_results,
            sort_by=arxiv.SortCriterion.SubmittedDate if newest_first
            else arxiv.SortCriterion.Relevance,
            sort_order=arxiv.SortOrder.Descending,
        )
        source = self.settings.base_url
        reported = 0
        it = self._client.results(search)
        while True:
            progress.check()
            try:
                result = next(it)
            except StopIteration:
                result = None
            except _NotAFeed as exc:
                raise NetworkError(
                    f"arXiv answered something that is not an Atom feed ({exc.reason}; "
                    f"{exc.url}).",
                    "Try again later, or check the arXiv address in Settings.",
                ) from exc
            except arxiv.HTTPError as exc:
                raise NetworkError(
                    f"arXiv answered HTTP {exc.status} after {exc.retry + 1} tries ({exc.url}).",
                    "Try again later.",
                ) from exc
            except arxiv.UnexpectedEmptyPageError as exc:
                raise NetworkError(
                    f"arXiv answered an empty page after {exc.retry + 1} tries ({exc.url}).",
                    "Try again later.",
                ) from exc
            except requests.RequestException as exc:
                raise NetworkError(
                    f"arXiv did not answer ({type(exc).__name__}; {source}).",
                    "Check the network or the proxy in Settings, or try again later.",
                ) from exc
            while reported < len(self._client.malformed):
                where, why = self._client.malformed[reported]
                reported += 1
                yield None, RecordError(source, where, why)
            if result is None:
                return
            try:
                record = to_record(result, source)
            except ValueError as exc:
                yield None, RecordError(source, result.entry_id or "?", str(exc))
                continue
            yield record, None

    def fetch(self, query: str, max_results: int = 100) -> ArxivFetch:
        """All of ``search`` at once."""
        out = ArxivFetch()
        for record, error in self.search(query, max_results):
            if record is not None:
                out.records.append(record)
            elif error is not None:
                out.errors.append(error)
        return out
