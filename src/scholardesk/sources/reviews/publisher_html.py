"""Saved or fetched publisher article pages (HTML) → ArticleHistory.

Fast paths (regular expressions over the raw page; no DOM is built, so a 250 KB page parses
in a few milliseconds):

- bibliographic ``<meta>`` tags (``citation_doi``, ``citation_title``,
  ``citation_journal_title``, ``citation_issn``, ``citation_article_type``,
  ``citation_online_date``, ``dc.identifier``, ``prism.doi`` ...);
- ScienceDirect: the embedded JSON state ``"dates":{"Received": ..., "Revised": [...],
  "Accepted": ..., "Available online": ..., "Publication date": ...}``;
- IEEE Xplore: the ``xplGlobal.document.metadata = {...};`` JSON (title, DOI, ISSNs,
  ``onlineDate``) plus its "Manuscript received ...; revised ...; accepted ..." footnote;
- every other publisher (SpringerLink, Taylor & Francis, IOPscience, APS, PeerJ, eLife, PLOS,
  MDPI, and unknown sites): the labelled dates ("Received 19 January 2022", "Accepted:
  March 5, 2019", "Published online: 24 Apr 2013") in the text around the first
  received/accepted label, read by :mod:`labels`.

Pages that are not articles are refused with the reason: a Cloudflare (or similar) bot
challenge, a "page not found" page, or a page with no history dates.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.dates import parse_date
from scholardesk.domain.reviews import ArticleHistory, normalise_doi
from scholardesk.sources.reviews.labels import LabelledDates, extract_labelled_dates

_META = re.compile(r"<meta\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SD_DATES = re.compile(r'"dates"\s*:\s*(\{[^{}]*\})')
_IEEE = re.compile(r"xplGlobal\.document\.metadata\s*=\s*(\{.*?\})\s*;\s*(?:\n|</script>)", re.DOTALL)
_ANCHOR_WORDS = ("Received", "RECEIVED", "received", "Accepted", "ACCEPTED", "收稿")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_CHALLENGE = re.compile(
    r"<title>\s*(?:Just a moment\.\.\.|Attention Required!|Access denied|Please Wait)"
    r"|cf-browser-verification|cf_chl_opt|window\._cf_chl|captcha-delivery\.com"
    r"|Enable JavaScript and cookies to continue",
    re.IGNORECASE,
)
_NOT_FOUND = re.compile(
    r"<title>[^<]*(?:404|not found|page not found|doesn.t exist)[^<]*</title>"
    r"|<h1[^>]*>[^<]*(?:404|page not found)",
    re.IGNORECASE,
)

WINDOW = 3000  # raw characters either side of an anchor that are turned into text
MAX_ANCHORS = 40


def decode(data: bytes) -> str:
    head = data[:2048].lower()
    m = re.search(rb'charset=["\']?([\w-]+)', head)
    encoding = m.group(1).decode("ascii", "ignore") if m else "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def html_to_text(fragment: str) -> str:
    text = _SCRIPT_STYLE.sub(" ", fragment)
    text = _TAG.sub(" ", text)
    return " ".join(html.unescape(text).split())


def meta_tags(page: str) -> dict[str, list[str]]:
    """``name``/``property`` → contents, lower-cased names, in page order."""
    out: dict[str, list[str]] = {}
    for m in _META.finditer(page):
        body = m.group(1)
        if "content" not in body:
            continue
        attrs = {a.lower(): (v1 if v1 is not None and v1 != "" else v2 or "")
                 for a, v1, v2 in _ATTR.findall(body)}
        name = (attrs.get("name") or attrs.get("property") or "").lower()
        if not name or name == "citation_reference":
            continue
        content = attrs.get("content", "")
        if name == "dc.identifier" and attrs.get("scheme", "").lower() not in ("", "doi"):
            continue
        out.setdefault(name, []).append(html.unescape(content).strip())
    return out


def _first(meta: dict[str, list[str]], *names: str) -> str:
    for name in names:
        for value in meta.get(name, []):
            if value:
                return value
    return ""


def _day(text: str) -> dt.date | None:
    parsed = parse_date(text)
    return parsed.date if parsed is not None and parsed.precision == "day" else None


def _sciencedirect(page: str) -> LabelledDates | None:
    m = _SD_DATES.search(page)
    if m is None:
        return None
    try:
        dates: dict[str, Any] = json.loads(m.group(1))
    except ValueError:
        return None
    result = LabelledDates()
    result.received = _day(str(dates.get("Received", "")))
    result.accepted = _day(str(dates.get("Accepted", "")))
    revised = dates.get("Revised", [])
    for value in revised if isinstance(revised, list) else [revised]:
        day = _day(str(value))
        if day is not None:
            result.revisions.append(day)
    result.online = _day(str(dates.get("Available online", "")))
    pub = parse_date(str(dates.get("Publication date", "")))
    result.published = pub.date if pub is not None else None
    return result if result.has_history else None


def _ieee(page: str) -> tuple[dict[str, Any], LabelledDates | None]:
    m = _IEEE.search(page)
    if m is None:
        return {}, None
    try:
        meta: dict[str, Any] = json.loads(m.group(1))
    except ValueError:
        return {}, None
    blob = " ".join(
        html_to_text(str(v)) for k, v in meta.items() if isinstance(v, str) and "eceived" in v
    )
    found = extract_labelled_dates(blob) if blob else LabelledDates()
    if found.online is None:
        found.online = _day(str(meta.get("onlineDate", "")))
    return meta, (found if found.has_history else None)


def _anchors(page: str) -> list[int]:
    """Where "received"/"accepted" start a word (str.find: far faster than a regex here)."""
    found: list[int] = []
    for word in _ANCHOR_WORDS:
        pos = page.find(word)
        hits = 0
        while pos >= 0 and hits < MAX_ANCHORS:
            before = page[pos - 1] if pos else " "
            if not (before.isalnum() or before in "/#.-_"):
                found.append(pos)
                hits += 1
            pos = page.find(word, pos + len(word))
    found.sort()
    starts: list[int] = []
    for pos in found:
        if starts and pos - starts[-1] < WINDOW // 2:
            continue
        starts.append(pos)
    return starts[:MAX_ANCHORS]


_DATED_LABEL = re.compile(
    r"(?:received|accepted|收稿)[^0-9a-z]{0,3}(?:[a-z ]{0,40}?)[\s:：]*(?:on\s+)?"
    r"(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)


def _dated(page: str, pos: int) -> bool:
    """Cheap test: is this "received"/"accepted" followed by a date (not "received and ...")?"""
    return _DATED_LABEL.match(html_to_text(page[pos : pos + 400])) is not None


def _labelled(page: str) -> LabelledDates | None:
    for pos in _anchors(page):
        if not _dated(page, pos):
            continue
        text = html_to_text(page[max(0, pos - WINDOW) : pos + WINDOW])
        found = extract_labelled_dates(text)
        if found.received is not None or found.accepted is not None:
            return found
    return None


def refuse_non_article(page: str, source: str) -> None:
    """Raise InputError for bot-challenge pages and error pages (called when a page has no
    dates, so that ordinary pages never pay for these searches)."""
    if _CHALLENGE.search(page[:100_000]):
        raise InputError(
            f"{source} is a bot-protection (Cloudflare) challenge page, not the article.",
            "Open the article in a browser and save the page, or import its Crossref/PDF data.",
        )
    if _NOT_FOUND.search(page[:50_000]):
        raise InputError(
            f"{source} is a 'page not found' (404) page, not an article.",
            "Check the DOI or URL.",
        )


def parse_html(data: bytes, source: str = "page", url: str = "") -> ArticleHistory:
    """One publisher article page → its history (InputError when the page has none)."""
    page = decode(data)
    meta = meta_tags(page[: page.find("</head>") if "</head>" in page else 300_000])
    ieee_meta, ieee_dates = _ieee(page) if "xplGlobal" in page else ({}, None)
    found = ieee_dates or _sciencedirect(page) or _labelled(page)
    if found is None:
        refuse_non_article(page, source)
        raise InputError(
            f"{source}: no received/accepted dates found on the page.",
            "The publisher may not print review history for this article.",
        )
    doi = normalise_doi(
        _first(meta, "citation_doi", "prism.doi", "dc.identifier", "bepress_citation_doi")
        or str(ieee_meta.get("doi", ""))
    )
    title = _first(meta, "citation_title", "dc.title", "og:title") or str(ieee_meta.get("title", ""))
    if not title:
        m = _TITLE.search(page)
        title = html.unescape(m.group(1)) if m else ""
    journal = _first(
        meta, "citation_journal_title", "prism.publicationname", "citation_conference_title",
        "og:site_name",
    ) or str(
        ieee_meta.get("publicationTitle", "")
    )
    issns = meta.get("citation_issn", []) + meta.get("prism.issn", []) + meta.get("prism.eissn", [])
    issn, eissn = (issns + ["", ""])[:2]
    for entry in ieee_meta.get("issn", []) if isinstance(ieee_meta.get("issn"), list) else []:
        if isinstance(entry, dict):
            if "lectronic" in str(entry.get("format", "")):
                eissn = str(entry.get("value", ""))
            else:
                issn = str(entry.get("value", ""))
    online = found.online or _day(_first(meta, "citation_online_date"))
    return ArticleHistory(
        doi=doi,
        title=title,
        journal=journal,
        issn=issn,
        eissn=eissn,
        article_type=_first(meta, "citation_article_type", "dc.type"),
        received=found.received,
        revisions=tuple(sorted(found.revisions)),
        accepted=found.accepted,
        online=online,
        published=found.published,
        abstract=_first(meta, "citation_abstract", "dc.description", "description"),
        source="html",
        source_url=url or (f"https://doi.org/{doi}" if doi else ""),
    ).with_defaults()
