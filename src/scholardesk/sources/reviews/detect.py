"""Which parser a file needs, from its first bytes (and its name as a hint)."""

from __future__ import annotations

import re

from scholardesk.core.errors import InputError

FORMATS = ("crossref", "pubmed", "jats", "html", "pdf", "csv")

_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z][\w:.-]*)")


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
