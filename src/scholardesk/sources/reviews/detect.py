"""Which parser a file needs, from its first bytes (and its name as a hint)."""

from __future__ import annotations

import re

from scholardesk.core.errors import InputError

FORMATS = ("crossref", "pubmed", "jats", "html", "pdf", "csv")

_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z][\w:.-]*)")
_YAML_KEY = re.compile(rb"(?:%YAML|---(?:\s|$)|[A-Za-z_][\w-]*:(?:[ \t]|\r?\n))")


def _refuse_yaml(head: bytes, name: str) -> None:
    """YAML is none of the review-date formats: say so, and what the file probably is."""
    what = name or "The file"
    if re.search(rb"(?m)^interactions:", head):
        raise InputError(
            f"{what} is a YAML file (a recorded HTTP cassette), not a file review dates are "
            "imported from.",
            "Save the Crossref answer itself as JSON (api.crossref.org/works/DOI) and import that.",
        )
    if re.search(rb"(?m)^\s*-?\s*(?:confs|timeline|deadline):", head):
        raise InputError(
            f"{what} is a YAML file of conference deadlines (ccf-deadlines), not review dates.",
            "Import it with: scholardesk venues sync-deadlines FILE",
        )
    raise InputError(
        f"{what} is a YAML file, not a file review dates are imported from.",
        "Import Crossref JSON, PubMed/JATS XML, saved article pages (.html), PDFs or CSV.",
    )


def detect_format(data: bytes, name: str = "") -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    lower_name = name.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"{", b"[")):
        return "crossref"
    low = head.lower()
    if low.startswith(b"<!doctype html") or b"<html" in low[:1024]:
        return "html"
    if head.startswith(b"<"):
        for m in _XML_ROOT.finditer(head):
            root = m.group(1).decode("ascii", "ignore").split(":")[-1]
            if root in ("PubmedArticleSet", "PubmedArticle"):
                return "pubmed"
            if root in ("article", "pmc-articleset", "OAI-PMH"):
                return "jats"
            if root.lower() in ("html", "head", "body"):
                return "html"
            break
        if b"<!DOCTYPE PubmedArticleSet" in head:
            return "pubmed"
        if b"JATS" in head or b"journal-meta" in data[:20000]:
            return "jats"
        if lower_name.endswith((".htm", ".html")):
            return "html"
    if lower_name.endswith((".yml", ".yaml")) or (
        not lower_name.endswith((".csv", ".tsv", ".txt")) and _YAML_KEY.match(head)
    ):
        _refuse_yaml(data[:20_000], name)
    if lower_name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if lower_name.endswith((".html", ".htm")):
        return "html"
    if lower_name.endswith(".pdf"):
        return "pdf"
    if lower_name.endswith((".xml", ".nxml")):
        return "jats"
    if lower_name.endswith(".json"):
        return "crossref"
    if b"," in head and b"\n" in head:
        return "csv"
    raise InputError(
        f"{name or 'The file'}: cannot tell what kind of file this is.",
        "Import Crossref JSON, PubMed/JATS XML, saved article pages (.html), PDFs or CSV.",
    )
