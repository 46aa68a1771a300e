"""JATS / NLM article XML (PMC OA ``.nxml``, publisher JATS) → ArticleHistory.

``front/article-meta/history/date[@date-type]``: ``received``, ``rev-recd``/``revised``,
``accepted``; online = ``pub-date[@pub-type=epub]`` (or ``date-type="pub"`` /
``"publication"`` with ``publication-format="electronic"``); published (the issue date) =
``ppub`` (or ``publication-format="print"``), else ``epub-ppub``, else ``collection`` — only
when the file gives the full date (year, month and day). Older NLM DTDs put ``journal-title`` directly under
``journal-meta``; newer ones inside ``journal-title-group``. A ``pmc-articleset`` wrapper with
several articles is accepted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.reviews import ArticleHistory
from scholardesk.sources.reviews.xmlutil import local, parse_xml, text_of, ymd

# pub-date kinds (``pub-type`` in JATS 1.0/NLM, ``date-type`` in JATS 1.1+)
_ONLINE_TYPES = ("epub", "epub-ppub")
_GENERIC_TYPES = ("pub", "publication", "")  # meaning given by ``publication-format``
_ISSUE_RANK = {"ppub": 3, "epub-ppub": 2, "collection": 1}  # the print issue date first


def _strip_ns(root: Any) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = local(el.tag)


def _article(node: Any) -> ArticleHistory:
    front = node.find("front")
    if front is None:
        raise InputError("The JATS article has no <front> metadata.")
    jmeta = front.find("journal-meta")
    ameta = front.find("article-meta")
    journal = ""
    issn = eissn = ""
    if jmeta is not None:
        title = jmeta.find("journal-title")
        if title is None:
            title = jmeta.find("journal-title-group/journal-title")
        journal = text_of(title)
        for el in jmeta.findall("issn"):
            kind = (el.get("pub-type") or el.get("publication-format") or "").lower()
            value = (el.text or "").strip()
            if kind in ("epub", "electronic"):
                eissn = eissn or value
            else:
                issn = issn or value
    doi = title_text = abstract = ""
    history: dict[str, list[dt.date]] = {}
    online: dt.date | None = None
    issue: tuple[int, dt.date] | None = None
    if ameta is not None:
        for el in ameta.findall("article-id"):
            if el.get("pub-id-type") == "doi":
                doi = (el.text or "").strip()
        title_text = text_of(ameta.find("title-group/article-title"))
        abstract = text_of(ameta.find("abstract"))
        for el in ameta.findall("history/date"):
            kind = (el.get("date-type") or "").lower()
            value = ymd(el)
            if value is not None:
                history.setdefault(kind, []).append(value)
        for el in ameta.findall("pub-date"):
            kind = (el.get("pub-type") or el.get("date-type") or "").lower()
            fmt = (el.get("publication-format") or "").lower()
            value = ymd(el)
            if value is None:
                continue
            if kind in _ONLINE_TYPES or (kind in _GENERIC_TYPES and fmt == "electronic"):
                if online is None or value < online:
                    online = value
            rank = _ISSUE_RANK.get(kind, 0)
            if kind in _GENERIC_TYPES and fmt == "print":
                rank = _ISSUE_RANK["ppub"]
            if rank and (issue is None or rank > issue[0]):
                issue = (rank, value)
    revisions = tuple(sorted(history.get("rev-recd", []) + history.get("revised", [])))
    return ArticleHistory(
        doi=doi,
        title=title_text,
        journal=journal,
        issn=issn,
        eissn=eissn,
        article_type=node.get("article-type") or "",
        received=min(history["received"]) if history.get("received") else None,
        revisions=revisions,
        accepted=min(history["accepted"]) if history.get("accepted") else None,
        online=online,
        published=issue[1] if issue else None,
        abstract=abstract,
        source="jats",
        source_url=f"https://doi.org/{doi}" if doi else "",
    ).with_defaults()


def parse_jats(data: bytes, source: str = "jats") -> list[ArticleHistory]:
    root = parse_xml(data, source)
    _strip_ns(root)
    if root.tag == "article":
        nodes = [root]
    else:
        nodes = root.findall(".//article")
    if not nodes:
        raise InputError(
            f"{source} is XML but has no JATS <article> element.",
            "Import PMC .nxml files or a publisher's JATS XML.",
        )
    return [_article(n) for n in nodes]
