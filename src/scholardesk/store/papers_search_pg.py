"""Papers search on PostgreSQL: the same query language and results as the FTS5 search on
SQLite (store/papers_repo.py), with PostgreSQL's own means.

Each search term (``Term``: a word, a quoted phrase, a field prefix) matches a paper when it is

- a substring of the title or the notes (3+ characters, no prefix or ``ti:``): ``ILIKE``, as the
  trigram index answers on SQLite;
- or a run of whole words in any field (title, authors, venue, abstract, categories) or in the
  prefixed one: a case-insensitive regular expression with word boundaries (``\\m…\\M``), its
  last word a prefix when it has 3+ letters and is not quoted, as FTS5's phrase queries; Chinese
  characters match as a substring (SQLite's index spaces them out into one-character words).

Both are answered by the GIN trigram indexes of migration 0002p (``pg_trgm`` extracts the
trigrams of a ``LIKE`` pattern and of a regular expression), not by a scan of the table.

Ranking (``matches(..., rank=True)``): of the newest ``rank_cap + 1`` matches, a weighted count
of the words' occurrences, as SQLite's bm25 column weights: title 10, authors 5, venue 3,
categories 2, abstract 1 per occurrence (``regexp_count``, PostgreSQL 15+, at most 10 counted);
ties newest first.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, func, literal, or_, select
from sqlalchemy.orm import Session

from scholardesk.store.models.papers import PaperModel as P

if TYPE_CHECKING:
    from scholardesk.store.papers_repo import Term

# As papers_repo's word index sees text: \w+ words, CJK characters one word each.
_CJK_CHAR = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK_CHAR}]|[^\W{_CJK_CHAR}]+", re.UNICODE)
_IS_CJK = re.compile(rf"[{_CJK_CHAR}]")

_WORD_COLUMNS: dict[str, tuple[Any, ...]] = {
    "": (P.title, P.authors_text, P.venue, P.abstract, P.categories),
    "title": (P.title,), "authors": (P.authors_text,), "venue": (P.venue,),
    "abstract": (P.abstract,), "categories": (P.categories,),
}
# bm25 column weights of the SQLite search (papers_repo.WORDS_BM25)
_WEIGHTS: tuple[tuple[Any, float], ...] = (
    (P.title, 10.0), (P.authors_text, 5.0), (P.venue, 3.0), (P.categories, 2.0),
    (P.abstract, 1.0),
)


def like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def word_pattern(term: Term, prefix: bool = True) -> str:
    """The PostgreSQL (ARE) regular expression for a term's words, or "" when it has none
    (punctuation only). ``prefix``: the last word may continue (``learn`` finds "learning")
    when it has 3+ letters and the term is not quoted; ``word*`` always may."""
    raw = term.text
    star = raw.endswith("*")
    tokens = _TOKEN.findall(raw.rstrip("*"))
    if not tokens:
        return ""
    last = tokens[-1]
    open_end = star or (prefix and not term.quoted and len(last) >= 3 and not _IS_CJK.match(last))
    parts: list[str] = []
    previous_cjk = False
    for i, token in enumerate(tokens):
        cjk = bool(_IS_CJK.match(token))
        if i:
            # CJK characters follow each other directly; words are separated by non-words
            parts.append(r"\W*" if (cjk and previous_cjk) else r"\W+")
        word = token.lower()
        if not cjk and (i == 0 or previous_cjk):
            word = r"\m" + word
        parts.append(word)
        previous_cjk = cjk
    if not previous_cjk and not open_end:
        parts.append(r"\M")
    return "".join(parts)


def term_condition(term: Term) -> ColumnElement[bool]:
    """Papers where ``term`` occurs (see the module docstring)."""
    parts: list[ColumnElement[bool]] = []
    text = term.text.rstrip("*") if term.text.endswith("*") else term.text
    if term.field in ("", "title") and len(text) >= 3:
        pattern = f"%{like_escape(text)}%"
        columns = (P.title,) if term.field else (P.title, P.notes)
        parts.extend(c.ilike(pattern, escape="\\") for c in columns)
    words = word_pattern(term)
    if words:
        columns = _WORD_COLUMNS.get(term.field, _WORD_COLUMNS[""])
        parts.extend(c.regexp_match(words, flags="i") for c in columns)
    if not parts:  # punctuation only ("C++" has no word): the title as typed
        parts.append(P.title.ilike(f"%{like_escape(term.text)}%", escape="\\"))
    return or_(*parts)


def condition(terms: list[Term]) -> ColumnElement[bool]:
    if not terms:
        return false()
    return and_(*(term_condition(t) for t in terms))


def _score(terms: list[Term]) -> ColumnElement[Any]:
    total: ColumnElement[Any] = literal(0.0)
    for term in terms:
        words = word_pattern(term, prefix=True)
        if not words:
            continue
        columns = _WORD_COLUMNS.get(term.field, _WORD_COLUMNS[""])
        for column, weight in _WEIGHTS:
            if column not in columns:
                continue
            hits = func.least(func.regexp_count(func.coalesce(column, ""), words, 1, "i"), 10)
            total = total + hits * weight
    return total


def matches(session: Session, terms: list[Term], limit: int, rank: bool,
            rank_cap: int = 250) -> list[int]:
    """Ids of papers matching every term: newest first (``rank=False``), or best first of the
    newest ``rank_cap + 1`` matches (``rank=True``)."""
    if not terms:
        return []
    cond = condition(terms)
    if not rank:
        return list(session.scalars(
            select(P.id).where(cond).order_by(P.id.desc()).limit(limit)))
    newest = select(P.id).where(cond).order_by(P.id.desc()).limit(rank_cap + 1).subquery()
    score = _score(terms)
    stmt = (
        select(P.id)
        .where(P.id.in_(select(newest.c.id)))
        .order_by(score.desc(), P.id.desc())
        .limit(limit)
    )
    return [int(pid) for pid in session.scalars(stmt)]
