"""Thin, polite fetchers for review histories. All HTTP goes through ``PoliteClient`` (per-host
pacing, contact e-mail in the User-Agent, retries honouring Retry-After, timeouts, cache,
cancellation); these functions only build URLs and hand the bytes to the parsers.

- Crossref: ``/journals/{issn}/works`` with cursor paging and a publication-date filter;
- PubMed E-utilities: ``esearch`` (ISSN + date range, paged by ``retstart``) then ``efetch``;
- publisher pages: the article's landing page, after checking the site's robots.txt.
"""

from __future__ import annotations

import logging
import re
import urllib.robotparser
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from scholardesk.core.errors import InputError, NetworkError, NotFoundError
from scholardesk.core.progress import Progress
from scholardesk.domain.reviews import ArticleHistory, normalise_issn, normalise_journal
from scholardesk.sources.http import AnswerError, HttpResponse, PoliteClient, redact_url
from scholardesk.sources.reviews.crossref import load_json, parse_work, works_of
from scholardesk.sources.reviews.publisher_html import parse_html
from scholardesk.sources.reviews.pubmed import parse_pubmed

logger = logging.getLogger(__name__)

CROSSREF_API = "https://api.crossref.org"
EUTILS_API = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
ROBOTS_AGENT = "ScholarDesk"


@dataclass(frozen=True)
class WorkItem:
    """One work of a listing: its parsed history and its landing page URL."""

    history: ArticleHistory
    landing_url: str


@dataclass(frozen=True)
class CrossrefPage:
    items: list[WorkItem]
    next_cursor: str | None
    total: int | None


def _landing(work: dict[str, Any]) -> str:
    resource = work.get("resource")
    if isinstance(resource, dict):
        primary = resource.get("primary")
        if isinstance(primary, dict) and primary.get("URL"):
            return str(primary["URL"])
    doi = work.get("DOI")
    return f"https://doi.org/{doi}" if doi else ""


def _json(resp: HttpResponse, what: str) -> Any:
    """The JSON of an answer; AnswerError (nothing cached) when it is not JSON."""
    try:
        return load_json(resp.body, what)
    except InputError as exc:
        raise AnswerError(
            f"{what} answered something that is not JSON ({redact_url(resp.url)}).",
            "Try again later; nothing of this answer was kept.",
        ) from exc


def _journal_items(resp: HttpResponse) -> list[Any]:
    doc = _json(resp, "Crossref /journals")
    message = doc.get("message") if isinstance(doc, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("items"), list):
        raise AnswerError(
            "Crossref /journals answered something that is not a journal listing "
            f"({redact_url(resp.url)}).",
            "Try again later; nothing of this answer was kept.",
        )
    return list(message["items"])


def _works_page(resp: HttpResponse) -> CrossrefPage:
    """A works listing, checked for its shape before anything of it is used: a wrong-shaped
    answer raises AnswerError, so a crawl never saves a cursor taken from it."""
    doc = _json(resp, "Crossref works")
    message = doc.get("message") if isinstance(doc, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("items"), list):
        raise AnswerError(
            f"Crossref answered something that is not a Crossref works listing "
            f"({redact_url(resp.url)}).",
            "Try again later; the crawl's saved position is kept.",
        )
    next_cursor = message.get("next-cursor")
    total = message.get("total-results")
    if next_cursor is not None and not isinstance(next_cursor, str):
        raise AnswerError(
            f"Crossref answered a works listing with an invalid cursor ({redact_url(resp.url)}).",
            "Try again later; the crawl's saved position is kept.",
        )
    items = [WorkItem(parse_work(w), _landing(w)) for w in works_of(doc)]
    return CrossrefPage(items, next_cursor or None,
                        int(total) if isinstance(total, int) else None)


def crossref_issn(
    http: PoliteClient, journal: str, progress: Progress, base: str = CROSSREF_API
) -> tuple[str, str]:
    """(ISSN, title) of a journal given by ISSN or name (name → Crossref /journals search)."""
    issn = normalise_issn(journal)
    if issn:
        return issn, ""
    _resp, items = http.get_parsed(
        f"{base}/journals", _journal_items, params={"query": journal, "rows": 5},
        progress=progress, use_cache=True,
    )
    items = items or []
    want = normalise_journal(journal)
    ranked = sorted(
        (i for i in items if isinstance(i, dict) and i.get("ISSN")),
        key=lambda i: normalise_journal(str(i.get("title", ""))) != want,
    )
    if not ranked:
        raise NotFoundError(
            f"Crossref knows no journal called {journal!r}.", "Give the journal's ISSN instead."
        )
    best = ranked[0]
    return normalise_issn(str(best["ISSN"][0])), str(best.get("title", ""))


def crossref_works_page(
    http: PoliteClient,
    issn: str,
    cursor: str,
    progress: Progress,
    *,
    date_from: str = "",
    date_to: str = "",
    rows: int = 100,
    base: str = CROSSREF_API,
) -> CrossrefPage:
    filters = ["type:journal-article"]
    if date_from:
        filters.append(f"from-pub-date:{date_from}")
    if date_to:
        filters.append(f"until-pub-date:{date_to}")
    url = f"{base}/journals/{quote(issn)}/works"
    params: dict[str, str | int] = {"rows": rows, "cursor": cursor, "filter": ",".join(filters)}
    resp, page = http.get_parsed(url, _works_page, params=params, progress=progress)
    if resp.status == 404 or page is None:
        raise NotFoundError(f"Crossref has no journal with ISSN {issn}.", "Check the ISSN.")
    return page


def pubmed_search(
    http: PoliteClient,
    issn: str,
    retstart: int,
    progress: Progress,
    *,
    date_from: str = "",
    date_to: str = "",
    retmax: int = 100,
    base: str = EUTILS_API,
    email: str = "",
) -> tuple[list[str], int]:
    term = f"{issn}[ISSN]"
    if date_from or date_to:
        term += f' AND ("{date_from or "1800"}"[PDAT] : "{date_to or "3000"}"[PDAT])'
    params: dict[str, str | int] = {
        "db": "pubmed", "term": term, "retstart": retstart, "retmax": retmax,
        "retmode": "json", "tool": "ScholarDesk",
    }
    if email:
        params["email"] = email
    resp = http.get(f"{base}/esearch.fcgi", params=params, progress=progress)
    doc = load_json(resp.body, "PubMed esearch")
    result = doc.get("esearchresult", {}) if isinstance(doc, dict) else {}
    if not isinstance(result, dict):
        raise NetworkError("PubMed answered esearch without a result.", "Try again later.")
    return [str(i) for i in result.get("idlist", [])], int(result.get("count", 0) or 0)


def pubmed_fetch(
    http: PoliteClient, ids: list[str], progress: Progress, *, base: str = EUTILS_API,
    email: str = "",
) -> list[ArticleHistory]:
    params: dict[str, str | int] = {
        "db": "pubmed", "id": ",".join(ids), "retmode": "xml", "tool": "ScholarDesk"
    }
    if email:
        params["email"] = email
    _resp, histories = http.get_parsed(
        f"{base}/efetch.fcgi", lambda r: parse_pubmed(r.body, "PubMed efetch"), params=params,
        progress=progress, use_cache=True,
    )
    return histories or []


@dataclass
class RobotsCache:
    """robots.txt per host (RFC 9309: 4xx = no rules, unreachable = stay out)."""

    http: PoliteClient
    parsers: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)

    def allowed(self, url: str, progress: Progress) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.parsers:
            self.parsers[origin] = self._load(origin, progress)
        parser = self.parsers[origin]
        return True if parser is None else parser.can_fetch(ROBOTS_AGENT, url)

    def _load(self, origin: str, progress: Progress) -> urllib.robotparser.RobotFileParser | None:
        parser = urllib.robotparser.RobotFileParser()
        try:
            resp = self.http.get(f"{origin}/robots.txt", progress=progress, use_cache=True)
        except NetworkError as exc:
            m = re.search(r"HTTP (\d{3})", str(exc))
            if m and m.group(1).startswith("4"):
                return None  # 4xx: no robots rules
            parser.disallow_all = True  # type: ignore[attr-defined]
            logger.info("robots.txt of %s unreachable (%s): not fetching its pages", origin, exc)
            return parser
        if resp.status == 404:
            return None
        parser.parse(resp.text().splitlines())
        return parser


def fetch_page(
    http: PoliteClient, robots: RobotsCache, url: str, progress: Progress
) -> ArticleHistory:
    """Fetch and parse one publisher article page (InputError with the reason when it fails)."""
    if not robots.allowed(url, progress):
        raise InputError(f"robots.txt of {urlsplit(url).netloc} does not allow fetching {url}.")
    resp = http.get(url, progress=progress, use_cache=True, accept="text/html")
    if resp.status == 404:
        raise InputError(f"{url} answered 404 (page not found).")
    return parse_html(resp.body, url, url=resp.url or url)
