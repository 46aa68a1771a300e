"""Papers search on PostgreSQL: the same query language and results as the FTS5 search on
SQLite (store/papers_repo.py), with PostgreSQL's own means.

Each search term (``Term``: a word, a quoted phrase, a field prefix) matches a paper when it is

- a substring of the title or the notes (3+ characters, no prefix or ``ti:``): ``ILIKE``, as the
  trigram index answers on SQLite (GIN trigram indexes of migration 0002p);
- or a run of whole words in any field (title, authors, venue, abstract, categories) or in the
  prefixed one: a full-text query (``ts_query``: ``<->`` phrases, the last word a prefix when
  it has 3+ letters and is not quoted, as FTS5's phrase queries) on ``papers.search_words``,
  the stored tsvector of migration 0002q, tokenised as SQLite's word index (CJK characters one
  word each, so a Chinese substring is a phrase) and answered by its GIN index.

Newest first, ``ORDER BY id DESC LIMIT n``: the planner either reads the index's matches or,
for a common word (its statistics on the column say how common), walks the primary key
backwards and checks each paper's stored words until it has ``n`` (early stop).

Ranking (``matches(..., rank=True)``): of the newest ``rank_cap + 1`` matches, ``ts_rank`` with
weights as SQLite's bm25 column weights (title 1.0, authors 0.5, venue 0.3, abstract and
categories 0.1); ties newest first.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, func, literal, literal_column, or_, select
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import Session

from scholardesk.store.models.papers import PaperModel as P

if TYPE_CHECKING:
    from scholardesk.store.papers_repo import Term

# As papers_repo's word index sees text: \w+ words, CJK characters one word each.
_CJK_CHAR = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK_CHAR}]|[^\W{_CJK_CHAR}]+", re.UNICODE)
_IS_CJK = re.compile(rf"[{_CJK_CHAR}]")

# the stored words of migration 0002q (outside the ORM: PostgreSQL only)
WORDS: ColumnElement[Any] = literal_column("papers.search_words", TSVECTOR)
# tokens as the column's expression sees text: letters and digits, CJK characters one each
_LEXEME = re.compile(rf"[{_CJK_CHAR}]|[^\W_{_CJK_CHAR}]+", re.UNICODE)
# field prefix -> the tsvector weight of its field (0002q)
_LABELS = {"title": "A", "authors": "B", "venue": "C", "abstract": "D", "categories": "D"}
_SHARED_WEIGHT: dict[str, Any] = {"abstract": P.abstract, "categories": P.categories}
# ts_rank weights {D, C, B, A}, as papers_repo.WORDS_BM25 (title 10, authors 5, venue 3, ...)
_RANK_WEIGHTS = "'{0.1, 0.3, 0.5, 1.0}'::float4[]"


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


def ts_query(term: Term, prefix: bool = True) -> str:
    """The tsquery (text) for a term's words in ``papers.search_words``, or "" when it has
    none (punctuation only): its words as a phrase (``<->``), the last one a prefix (``:*``)
    on the rules of ``word_pattern``, restricted to the prefixed field's weight (``ti:`` A,
    ``au:`` B, ``venue:`` C, ``abs:``/``cat:`` D). Lexemes are word characters only, so the
    text is safe to inline as a literal."""
    raw = term.text
    star = raw.endswith("*")
    tokens = [t.lower() for t in _LEXEME.findall(raw.rstrip("*"))]
    if not tokens:
        return ""
    last = tokens[-1]
    open_end = star or (prefix and not term.quoted and len(last) >= 3 and not _IS_CJK.match(last))
    label = _LABELS.get(term.field, "")
    parts = []
    for i, token in enumerate(tokens):
        suffix = ("*" if open_end and i == len(tokens) - 1 else "") + label
        parts.append(f"'{token}'" + (f":{suffix}" if suffix else ""))
    return " <-> ".join(parts)


def _tsquery(query: str) -> ColumnElement[Any]:
    return literal_column(f"'{query.replace(chr(39), chr(39) * 2)}'::tsquery", TSQUERY)


def _words_match(query: str) -> ColumnElement[bool]:
    return WORDS.op("@@")(_tsquery(query))


def term_condition(term: Term) -> ColumnElement[bool]:
    """Papers where ``term`` occurs (see the module docstring)."""
    parts: list[ColumnElement[bool]] = []
    text = term.text.rstrip("*") if term.text.endswith("*") else term.text
    if term.field in ("", "title") and len(text) >= 3:
        pattern = f"%{like_escape(text)}%"
        columns = (P.title,) if term.field else (P.title, P.notes)
        parts.extend(c.ilike(pattern, escape="\\") for c in columns)
    query = ts_query(term)
    if query:
        match = _words_match(query)
        recheck = _SHARED_WEIGHT.get(term.field)
        if recheck is not None:  # abstract and categories share weight D: which one was it
            match = and_(match, recheck.regexp_match(word_pattern(term), flags="i"))
        parts.append(match)
    if not parts:  # punctuation only ("C++" has no word): the title as typed
        parts.append(P.title.ilike(f"%{like_escape(term.text)}%", escape="\\"))
    return or_(*parts)


def condition(terms: list[Term]) -> ColumnElement[bool]:
    if not terms:
        return false()
    return and_(*(term_condition(t) for t in terms))


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
    queries = [q for q in (ts_query(t) for t in terms) if q]
    score: ColumnElement[Any] = (
        func.ts_rank(literal_column(_RANK_WEIGHTS), WORDS,
                     _tsquery(" & ".join(f"({q})" for q in queries)))
        if queries else literal(0.0))
    stmt = (
        select(P.id)
        .where(P.id.in_(select(newest.c.id)))
        .order_by(score.desc(), P.id.desc())
        .limit(limit)
    )
    return [int(pid) for pid in session.scalars(stmt)]
