"""PubMed E-utilities efetch XML (``PubmedArticleSet``) → ArticleHistory.

History dates sit in ``PubmedData/History/PubMedPubDate`` with ``PubStatus`` ``received``,
``revised`` and ``accepted``; the online date is ``Article/ArticleDate[@DateType=Electronic]``
(else the ``aheadofprint`` history date); published (the issue date) is
``Journal/JournalIssue/PubDate`` when it gives year, month and day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.reviews import ArticleHistory
from scholardesk.sources.reviews.xmlutil import parse_xml, text_of, ymd


def _article(node: Any) -> ArticleHistory:
    citation = node.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    journal = article.find("Journal") if article is not None else None
    issn = eissn = ""
    if journal is not None:
        for el in journal.findall("ISSN"):
            kind = (el.get("IssnType") or "").lower()
            if kind == "electronic":
                eissn = (el.text or "").strip()
            else:
                issn = (el.text or "").strip()
    history: dict[str, list[dt.date]] = {}
    for pub in node.findall("PubmedData/History/PubMedPubDate"):
        status = (pub.get("PubStatus") or "").lower()
        value = ymd(pub)
        if value is not None:
            history.setdefault(status, []).append(value)
    online = None
    if article is not None:
        for ad in article.findall("ArticleDate"):
            if (ad.get("DateType") or "").lower() == "electronic":
                online = ymd(ad)
    issue = journal.find("JournalIssue/PubDate") if journal is not None else None
    published = ymd(issue, "Year", "Month", "Day")  # None unless the full date is given
    if online is None and history.get("aheadofprint"):
        online = min(history["aheadofprint"])
    doi = ""
    for aid in node.findall("PubmedData/ArticleIdList/ArticleId"):
        if aid.get("IdType") == "doi":
            doi = (aid.text or "").strip()
    if not doi and article is not None:
        for el in article.findall("ELocationID"):
            if el.get("EIdType") == "doi":
                doi = (el.text or "").strip()
    pmid = text_of(citation.find("PMID")) if citation is not None else ""
    types = article.findall("PublicationTypeList/PublicationType") if article is not None else []
    revisions = tuple(sorted(history.get("revised", [])))
    return ArticleHistory(
        doi=doi,
        title=text_of(article.find("ArticleTitle")) if article is not None else "",
        journal=text_of(journal.find("Title")) if journal is not None else "",
        issn=issn,
        eissn=eissn,
        article_type=text_of(types[0]) if types else "",
        received=min(history["received"]) if history.get("received") else None,
        revisions=revisions,
        accepted=min(history["accepted"]) if history.get("accepted") else None,
        online=online,
        published=published,
        abstract=text_of(article.find("Abstract")) if article is not None else "",
        source="pubmed",
        source_url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else "",
    ).with_defaults()


def parse_pubmed(data: bytes, source: str = "pubmed") -> list[ArticleHistory]:
    root = parse_xml(data, source)
    if root.tag not in ("PubmedArticleSet", "PubmedArticle"):
        raise InputError(
            f"{source} is XML but not a PubMed efetch result (root <{root.tag}>).",
            "Save efetch.fcgi?db=pubmed&retmode=xml output.",
        )
    nodes = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
    return [_article(n) for n in nodes]
