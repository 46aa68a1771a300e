"""Crossref REST API JSON → ArticleHistory.

Accepts a ``/works/{doi}`` envelope (message-type ``work``), a ``/works`` list (``work-list``),
a bare work object, or a JSON list of works. History dates come from the ``assertion`` array
that Springer Nature (group ``ArticleHistory`` / ``ChapterHistory``: "21 July 2015",
"17 November 2017, 00:00:00"), Wiley, Taylor & Francis and eLife (group
``publication_history``: ISO dates) deposit. Assertion names: ``received``, ``revised``,
``accepted``, ``first_online`` and ``published`` (the online publication date in
``publication_history``); the Royal Society of Chemistry deposits one free-text assertion
``history`` ("Received 7 May 2020, Accepted 18 May 2020, Advance Article published 22 May
2020"), whose labelled dates are read. Works without assertions still parse (no history dates); callers
skip them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.dates import parse_date
from scholardesk.domain.reviews import ArticleHistory, clean_text, normalise_issn
from scholardesk.sources.reviews.labels import extract_labelled_dates

_ASSERTION_FIELDS = {
    "received": "received",
    "revised": "revised",
    "accepted": "accepted",
    "first_online": "online",
    "published": "online",
    "published_online": "online",
}


# one assertion holding the whole history as text (RSC: "Received 7 May 2020, Accepted 18 May
# 2020, Advance Article published 22 May 2020"), read with the labelled-date reader
_FREE_TEXT = ("history",)
_FREE_TEXT_CHARS = 2000


def _add_free_text(dates: dict[str, list[dt.date]], text: str) -> None:
    found = extract_labelled_dates(text[:_FREE_TEXT_CHARS])
    for fld, value in (("received", found.received), ("accepted", found.accepted),
                       ("online", found.online)):
        if value is not None:
            dates.setdefault(fld, []).append(value)
    dates.setdefault("revised", []).extend(found.revisions)
    if found.published is not None:
        dates.setdefault("published", []).append(found.published)


def load_json(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise InputError(
            f"{source} is not valid JSON ({exc}).",
            "The file may be truncated; download it again.",
        ) from exc


def works_of(doc: Any) -> list[dict[str, Any]]:
    """The work objects in any Crossref response shape."""
    if isinstance(doc, list):
        return [w for w in doc if isinstance(w, dict)]
    if not isinstance(doc, dict):
        return []
    message = doc.get("message", doc)
    if isinstance(message, dict) and isinstance(message.get("items"), list):
        return [w for w in message["items"] if isinstance(w, dict)]
    if isinstance(message, dict) and "DOI" in message:
        return [message]
    return []


def is_crossref(doc: Any) -> bool:
    if isinstance(doc, dict):
        if str(doc.get("message-type", "")).startswith("work"):
            return True
        message = doc.get("message", doc)
        return isinstance(message, dict) and ("DOI" in message or "items" in message)
    return isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict) and "DOI" in doc[0]


def _date_parts(obj: Any) -> dt.date | None:
    """``{"date-parts": [[2015, 11, 19]]}`` → date (day precision only)."""
    try:
        parts = obj["date-parts"][0]
        if len(parts) >= 3 and all(isinstance(p, int) for p in parts[:3]):
            return dt.date(parts[0], parts[1], parts[2])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return None


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def parse_work(work: dict[str, Any], source_url: str = "") -> ArticleHistory:
    dates: dict[str, list[dt.date]] = {}
    for assertion in work.get("assertion") or []:
        if not isinstance(assertion, dict):
            continue
        name = str(assertion.get("name", "")).lower()
        if name in _FREE_TEXT:
            _add_free_text(dates, str(assertion.get("value", "")))
            continue
        fld = _ASSERTION_FIELDS.get(name)
        if fld is None:
            continue
        parsed = parse_date(str(assertion.get("value", "")))
        if parsed is None or parsed.precision != "day":
            continue
        dates.setdefault(fld, []).append(parsed.date)
    issn = eissn = ""
    for entry in work.get("issn-type") or []:
        if not isinstance(entry, dict):
            continue
        value = normalise_issn(str(entry.get("value", "")))
        if entry.get("type") == "print" and not issn:
            issn = value
        elif entry.get("type") == "electronic" and not eissn:
            eissn = value
    if not issn and not eissn:
        listed = [normalise_issn(str(v)) for v in work.get("ISSN") or []]
        listed = [v for v in listed if v]
        issn = listed[0] if listed else ""
        eissn = listed[1] if len(listed) > 1 else ""
    online = min(dates["online"]) if "online" in dates else _date_parts(work.get("published-online"))
    published = _date_parts(work.get("published-print")) or (
        min(dates["published"]) if dates.get("published") else None
    )
    revisions = tuple(sorted(dates.get("revised", [])))
    doi = str(work.get("DOI", ""))
    return ArticleHistory(
        doi=doi,
        title=clean_text(_first(work.get("title"))),
        journal=clean_text(_first(work.get("container-title"))),
        issn=issn,
        eissn=eissn,
        article_type=str(work.get("type", "")),
        received=min(dates["received"]) if "received" in dates else None,
        revised=revisions[0] if revisions else None,
        revisions=revisions,
        accepted=min(dates["accepted"]) if "accepted" in dates else None,
        online=online,
        published=published,
        abstract=clean_text(str(work.get("abstract", ""))),
        source="crossref",
        source_url=source_url or (f"https://doi.org/{doi}" if doi else ""),
    ).with_defaults()


def parse_crossref(data: bytes, source: str = "crossref") -> list[ArticleHistory]:
    """Every work in a Crossref JSON document (with or without history dates)."""
    doc = load_json(data, source)
    if not is_crossref(doc):
        raise InputError(
            f"{source} is JSON but not a Crossref work or works list.",
            "Save the response of api.crossref.org/works/DOI or /journals/ISSN/works.",
        )
    return [parse_work(w) for w in works_of(doc)]
