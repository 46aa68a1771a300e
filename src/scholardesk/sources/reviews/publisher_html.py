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
import itertools
import json
import re
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.dates import parse_date
from scholardesk.domain.reviews import ArticleHistory, normalise_doi
from scholardesk.sources.reviews.labels import LabelledDates, extract_labelled_dates

# Every pattern here runs in time linear in the page (issue: an unclosed ``<title>``, a flood of
# bare ``<meta `` or a repeated IEEE marker made the old patterns quadratic): no pattern may
# rescan the rest of the page from each of many starting points. Tag bodies stop at the next
# ``<`` or ``>`` (``[^<>]*+``, possessive), attribute names only start after a non-name
# character, and open-ended searches (``</title>``, the IEEE JSON) are tried a bounded number
# of times.
_META_START = re.compile(r"<meta\b", re.IGNORECASE)
_ATTR = re.compile(
    r"""(?<![\w:.-])([A-Za-z_:][\w:.-]*+)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)')"""
)
_TITLE_OPEN = re.compile(r"<title\b[^<>]*+>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*+>", re.IGNORECASE)
_SD_DATES = re.compile(r'"dates"\s*+:\s*+(\{[^{}]*+\})')
_IEEE_MARK = re.compile(r"xplGlobal\.document\.metadata\s*+=\s*+(?=\{)")
IEEE_TRIES = 3  # markers tried (each try may read to the end of the page once)
IEEE_BLOB_CHARS = 20_000  # footnote text read from the IEEE metadata
_ANCHOR_WORDS = ("Received", "RECEIVED", "received", "Accepted", "ACCEPTED", "收稿")
_BLOCK_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_BLOCK_CLOSE = {
    "script": re.compile(r"</script\s*+>", re.IGNORECASE),
    "style": re.compile(r"</style\s*+>", re.IGNORECASE),
}
_TAG = re.compile(r"<[^<>]*+>")
_CHALLENGE = re.compile(
    r"<title>\s*+(?:Just a moment\.\.\.|Attention Required!|Access denied|Please Wait)"
    r"|cf-browser-verification|cf_chl_opt|window\._cf_chl|captcha-delivery\.com"
    r"|Enable JavaScript and cookies to continue",
    re.IGNORECASE,
)
_HEADING = re.compile(r"<(title|h1)\b[^<>]*+>([^<]*+)", re.IGNORECASE)
_NOT_FOUND_WORDS = {
    "title": re.compile(r"404|not found|doesn.t exist", re.IGNORECASE),
    "h1": re.compile(r"404|page not found", re.IGNORECASE),
}
MAX_HEADINGS = 50

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


def _without_scripts(fragment: str) -> str:
    """``fragment`` without its ``<script>``/``<style>`` blocks (an unclosed one runs to the
    end); one forward pass."""
    parts: list[str] = []
    pos = 0
    while True:
        m = _BLOCK_OPEN.search(fragment, pos)
        if m is None:
            parts.append(fragment[pos:])
            break
        parts.append(fragment[pos : m.start()])
        end = _BLOCK_CLOSE[m.group(1).lower()].search(fragment, m.end())
        if end is None:
            break
        parts.append(" ")
        pos = end.end()
    return "".join(parts)


def html_to_text(fragment: str) -> str:
    text = _TAG.sub(" ", _without_scripts(fragment))
    return " ".join(html.unescape(text).split())


def _meta_bodies(page: str) -> list[str]:
    """The attribute text of every complete ``<meta ...>`` tag, in one forward pass."""
    bodies: list[str] = []
    pos = 0
    while True:
        m = _META_START.search(page, pos)
        if m is None:
            return bodies
        end = page.find(">", m.end())
        if end < 0:  # no tag is closed after this one: nothing further can be a tag
            return bodies
        bodies.append(page[m.end() : end])
        pos = end + 1


def page_title(page: str) -> str:
    """The text of the first ``<title>`` element ("" when it is not closed)."""
    m = _TITLE_OPEN.search(page)
    if m is None:
        return ""
    end = _TITLE_CLOSE.search(page, m.end())
    return html.unescape(page[m.end() : end.start()]) if end is not None else ""


def meta_tags(page: str) -> dict[str, list[str]]:
    """``name``/``property`` → contents, lower-cased names, in page order."""
    out: dict[str, list[str]] = {}
    for body in _meta_bodies(page):
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


def _ieee_json(page: str) -> dict[str, Any]:
    """The ``xplGlobal.document.metadata = {...}`` object, read by the JSON decoder (which
    stops where the object ends) at the first few markers only."""
    decoder = json.JSONDecoder()
    for tries, m in enumerate(_IEEE_MARK.finditer(page)):
        if tries >= IEEE_TRIES:
            break
        try:
            meta, _end = decoder.raw_decode(page, m.end())
        except ValueError:
            continue
        if isinstance(meta, dict):
            return meta
    return {}


def _ieee(page: str) -> tuple[dict[str, Any], LabelledDates | None]:
    meta = _ieee_json(page)
    if not meta:
        return {}, None
    blob = " ".join(
        str(v)[:IEEE_BLOB_CHARS] for v in meta.values() if isinstance(v, str) and "eceived" in v
    )
    blob = html_to_text(blob[:IEEE_BLOB_CHARS])
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
    headings = itertools.islice(_HEADING.finditer(page[:50_000]), MAX_HEADINGS)
    if any(_NOT_FOUND_WORDS[m.group(1).lower()].search(m.group(2)) for m in headings):
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
        title = page_title(page)
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
