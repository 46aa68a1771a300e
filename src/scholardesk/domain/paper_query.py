"""The search box's query language, shared by the store's search (SQLite and PostgreSQL) and
the window's highlighting of hits.

Terms are words or quoted phrases; ``au:``/``author:``, ``ti:``/``title:``, ``cat:``,
``venue:`` and ``abs:`` restrict a term to one field; unquoted stopwords are dropped when the
query has other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FIELD_PREFIXES", "STOPWORDS", "Term", "highlight_words", "parse_query"]

STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it of on or that the their this to we with"
    .split()
)
FIELD_PREFIXES = {"au": "authors", "author": "authors", "ti": "title", "title": "title",
                  "cat": "categories", "venue": "venue", "abs": "abstract"}
_QTERM = re.compile(r'(?:(?<!\S)([A-Za-z]+):)?(?:"([^"]*)"|(\S+))')


@dataclass(frozen=True)
class Term:
    """One search term: ``text`` (a word, a quoted phrase), the column a prefix names
    (``au:`` → "authors"; "" = every field) and whether it was quoted (an exact phrase)."""

    text: str
    field: str = ""
    quoted: bool = False


def parse_query(query: str) -> list[Term]:
    """The terms of a search box query. ``au:Name``, ``ti:word``, ``cat:cs.CL``,
    ``venue:``, ``abs:`` restrict a term to a column (``au:"Del Maestro"`` a phrase); an
    unknown prefix is part of the word (``http://…``). Unquoted stopwords (of, the, a…) are
    not matched when the query has other words: ``state of the art`` finds papers with
    "state" and "art"; ``"state of the art"`` is the exact phrase."""
    terms: list[Term] = []
    for m in _QTERM.finditer(query):
        prefix, quoted, bare = m.group(1), m.group(2), m.group(3)
        text_ = (quoted if quoted is not None else bare or "").strip()
        field = FIELD_PREFIXES.get(prefix.lower(), None) if prefix else ""
        if field is None:  # not a field prefix: keep the whole word
            text_ = f"{prefix}:{text_}"
            field = ""
        if text_:
            terms.append(Term(text_, field, quoted is not None))
    content = [t for t in terms if t.quoted or t.field or t.text.lower() not in STOPWORDS]
    return content or terms


def highlight_words(query: str) -> list[str]:
    """The words a table should mark for ``query``: its terms without field prefixes or
    quotes (a phrase is marked whole), stopwords dropped as the search drops them, and a
    trailing ``*`` left off."""
    return [t.text.rstrip("*") for t in parse_query(query) if t.text.rstrip("*")]
