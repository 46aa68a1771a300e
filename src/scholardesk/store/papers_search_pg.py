"""Papers search on PostgreSQL: the same query language and results as the FTS5 search on
SQLite (store/papers_repo.py), with PostgreSQL's own means.

Each search term (``Term``: a word, a quoted phrase, a field prefix) matches a paper when it is

- a substring of the title (3+ characters, no prefix or ``ti:``): ``ILIKE``, as the
  trigram index answers on SQLite (GIN trigram indexes of migration 0002p);
- a substring of the acting person's notes (no prefix): ``ILIKE`` among that person's marks
  (``paper_marks``, migration 0002u), as on SQLite;
- or a run of whole words in any field (title, authors, venue, abstract, categories) or in the
  prefixed one: a full-text query (``ts_query``: ``<->`` phrases, the last word a prefix when
  it has 3+ letters and is not quoted, as FTS5's phrase queries) on the stored tsvectors of
  migration 0002q (``search_head``: title A, authors B, venue C, categories D;
  ``search_abstract``), tokenised as SQLite's word index (CJK characters one word each, so a
  Chinese substring is a phrase) and answered by their GIN indexes.

The passes of ``matches`` are SQLite's (whole words, title substrings, the last word
completed, the rarest term's papers checked for the others), each newest first. The words
pass walks the primary key newest first and checks each paper's stored words when the
words are common (early stop), or reads every match from the GIN indexes when they are
rare, chosen from PostgreSQL's statistics on the two columns and a short first walk
(``_words_newest``), not left to the planner, which prices a TOASTed vector's check far too
low. Search patterns and tsqueries are written into the statement (``_inline``): psycopg
prepares a statement run five times, and a generic plan cannot know a pattern is rare.

Ranking (``matches(..., rank=True)``): of the words pass's newest ``rank_cap + 1`` matches,
``ts_rank`` with weights as SQLite's bm25 column weights (title 1.0, authors 0.5, venue 0.3,
categories 0.2, abstract 0.1; the abstract only when there are at most ``rank_cap`` matches,
as bm25 ranks only those on SQLite); ties newest first.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.visitors import InternalTraversal

from scholardesk.store.models.papers import PaperMarkModel as M
from scholardesk.store.models.papers import PaperModel as P
from scholardesk.store.people import person_of

if TYPE_CHECKING:
    from scholardesk.domain.paper_query import Term

# As papers_repo's word index sees text: \w+ words, CJK characters one word each.
_CJK_CHAR = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK_CHAR}]|[^\W{_CJK_CHAR}]+", re.UNICODE)
_IS_CJK = re.compile(rf"[{_CJK_CHAR}]")

# the stored words of migration 0002q (outside the ORM: PostgreSQL only): title (weight A),
# authors (B), venue (C), categories (D) in the head; the abstract's apart
HEAD: ColumnElement[Any] = literal_column("papers.search_head", TSVECTOR)
ABSTRACT: ColumnElement[Any] = literal_column("papers.search_abstract", TSVECTOR)
# tokens as the columns' expression sees text: letters and digits, CJK characters one each
_LEXEME = re.compile(rf"[{_CJK_CHAR}]|[^\W_{_CJK_CHAR}]+", re.UNICODE)
# field prefix -> the head's weight of its field (0002q)
_LABELS = {"title": "A", "authors": "B", "venue": "C", "categories": "D"}
# ts_rank weights {D, C, B, A} of the head, as papers_repo.WORDS_BM25 (title 10, authors 5,
# venue 3, categories 2); the abstract's words (weight D by default) count 0.1
_HEAD_WEIGHTS = "'{0.2, 0.3, 0.5, 1.0}'::float4[]"


def _inline(value: str) -> ColumnElement[Any]:
    """A string written into the statement, not a parameter: psycopg prepares a statement
    run five times, and PostgreSQL then plans it once for any pattern (a generic plan that
    cannot know ``%qqzz%`` is rare: 150 ms instead of 1); each search's own text gets its
    own plan."""
    return bindparam(None, value, type_=String, literal_execute=True)


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
    ``au:`` B, ``venue:`` C, ``cat:`` D of the head; ``abs:`` is the other column). Lexemes are word characters only, so the
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


def _match(vector: ColumnElement[Any], query: str) -> ColumnElement[bool]:
    return vector.op("@@")(_tsquery(query))


def _words_condition(term: Term, query: str) -> ColumnElement[bool]:
    """``query`` (a term's tsquery) in the term's field(s): the head (in the row: checked
    first), the abstract's words."""
    if term.field == "abstract":
        return _match(ABSTRACT, query)
    if term.field:
        return _match(HEAD, query)
    return or_(_match(HEAD, query), _match(ABSTRACT, query))


def words_condition(terms: list[Term], complete_last: bool) -> ColumnElement[bool] | None:
    """Papers with every term's words (whole words; ``complete_last``: the last term's last
    word completed as a prefix), or None when a term has no word."""
    parts: list[tuple[bool, ColumnElement[bool]]] = []
    for i, term in enumerate(terms):
        query = ts_query(term, prefix=complete_last and i == len(terms) - 1)
        if not query:
            return None
        parts.append((not _head_only(term), _words_condition(term, query)))
    # the terms checked in the row first (a walk reads an abstract's words only for the
    # papers that passed them; PostgreSQL keeps the order of equally priced conditions)
    return and_(*(cond for _, cond in sorted(parts, key=lambda p: p[0])))


def _head_only(term: Term) -> bool:
    return bool(term.field) and term.field != "abstract"


class _ArrayOf(ColumnElement[Any]):
    """``ARRAY(SELECT ...)``: the subquery runs once (an InitPlan) and ``id = ANY(...)`` is a
    primary-key lookup that a BitmapOr can combine with the word and trigram indexes; an
    ``IN (SELECT ...)`` beside them under one OR makes the planner scan the whole table."""

    inherit_cache = True
    _traverse_internals: ClassVar[list[tuple[str, Any]]] = [
        ("stmt", InternalTraversal.dp_clauseelement)]  # its cache key: the subquery's
    type = ARRAY(Integer())

    def __init__(self, stmt: Select[Any]) -> None:
        self.stmt = stmt


@compiles(_ArrayOf)
def _compile_array_of(element: _ArrayOf, compiler: Any, **kw: Any) -> str:
    return "ARRAY" + str(compiler.process(element.stmt.scalar_subquery(), **kw))


def notes_condition(term: Term, person: str) -> ColumnElement[bool]:
    """Papers whose notes (``person``'s) contain ``term``."""
    pattern = f"%{like_escape(term.text.rstrip('*'))}%"
    return P.id == any_(_ArrayOf(select(M.paper_id).where(
        M.person == person, M.notes != "", M.notes.ilike(_inline(pattern), escape="\\"))))


def substring_condition(terms: list[Term], person: str) -> ColumnElement[bool] | None:
    """Papers with every term a substring of the title or ``person``'s notes (``ti:``: the
    title), as SQLite's trigram index, or None when a term cannot be (shorter than 3
    characters, or another field's prefix)."""
    parts: list[ColumnElement[bool]] = []
    for term in terms:
        text = term.text.rstrip("*") if term.text.endswith("*") else term.text
        if term.field not in ("", "title") or len(text) < 3:
            return None
        title = P.title.ilike(_inline(f"%{like_escape(text)}%"), escape="\\")
        parts.append(title if term.field else or_(title, notes_condition(term, person)))
    return and_(*parts)


def term_condition(term: Term, person: str) -> ColumnElement[bool]:
    """Papers where ``term`` occurs (see the module docstring)."""
    parts: list[ColumnElement[bool]] = []
    text = term.text.rstrip("*") if term.text.endswith("*") else term.text
    if term.field in ("", "title") and len(text) >= 3:
        parts.append(P.title.ilike(_inline(f"%{like_escape(text)}%"), escape="\\"))
    if not term.field:
        parts.append(notes_condition(term, person))
    query = ts_query(term)
    if query:
        parts.append(_words_condition(term, query))
    if not parts:  # punctuation only ("C++" has no word): the title as typed
        parts.append(P.title.ilike(_inline(f"%{like_escape(term.text)}%"), escape="\\"))
    return or_(*parts)


def condition(terms: list[Term], person: str) -> ColumnElement[bool]:
    if not terms:
        return false()
    return and_(*(term_condition(t, person) for t in terms))


def _newest(session: Session, cond: ColumnElement[bool], n: int, walk: bool = True
            ) -> list[int]:
    """``walk=False``: read every match from the indexes, then sort (``id + 0``), for a
    substring, which a walk checks with ILIKE at 3 µs a paper."""
    order = P.id.desc() if walk else (P.id + 0).desc()
    return list(session.scalars(select(P.id).where(cond).order_by(order).limit(n)))


# -- the words pass: walk newest first, or read the index's matches ---------------------------
# Measured per paper at 100,000 papers: checking a paper's head on a walk of the primary key
# (it is in the row) 0.3 µs, its abstract's words (TOASTed) 2.5 µs more; reading a match of a
# bitmap ~2.5 µs (the index lists, the row, the sort), and rechecking it (a phrase or a field needs the positions) as a walk would.
_WALK_HEAD_US, _ABSTRACT_US, _BITMAP_US, _BITMAP_FIXED_US = 0.3, 2.5, 2.5, 200.0
_STATS_TTL_S = 600.0
_stats_cache: dict[str, tuple[float, Statistics]] = {}


class Statistics:
    """How common each word is, from PostgreSQL's statistics on the two word columns
    (``pg_stats.most_common_elems``, kept by ANALYZE/autovacuum), and the table's size."""

    def __init__(self, rows: float, columns: dict[str, tuple[dict[str, float], float]]) -> None:
        self.rows = max(rows, 1.0)
        self.columns = columns

    @classmethod
    def read(cls, session: Session) -> Statistics:
        key = str(session.get_bind().url)
        now = time.monotonic()
        cached = _stats_cache.get(key)
        if cached and now - cached[0] < _STATS_TTL_S:
            return cached[1]
        conn = session.connection()
        rows = conn.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = 'papers'::regclass").scalar()
        columns: dict[str, tuple[dict[str, float], float]] = {}
        for name, elems, freqs in conn.exec_driver_sql(
                "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs "
                "FROM pg_stats WHERE tablename = 'papers' "
                "AND attname IN ('search_head', 'search_abstract')"):
            if elems and freqs and len(freqs) >= len(elems) + 2:  # + the least, most common
                columns[name] = (dict(zip(elems, freqs, strict=False)),
                                 float(freqs[len(elems)]))  # the least common one's
        stats = cls(float(rows or 0.0), columns)
        _stats_cache[key] = (now, stats)
        return stats

    def frequency(self, column: str, token: str, prefix: bool) -> float:
        """The share of papers with ``token`` (``prefix``: a word starting with it) in
        ``column``; one not among the most common: half the least common one's."""
        if column not in self.columns:
            return 0.01  # never analysed: assume a rare word
        common, least = self.columns[column]
        if prefix:
            share = sum(f for w, f in common.items() if w.startswith(token))
            return min(1.0, max(share, least / 2))
        return common.get(token, least / 2)

    def term_frequency(self, term: Term, complete: bool) -> float:
        tokens = [t.lower() for t in _LEXEME.findall(term.text.rstrip("*"))]
        query = ts_query(term, prefix=complete)
        if not tokens:
            return 1.0
        share = []
        open_end = query.endswith(("*", "*A", "*B", "*C", "*D"))
        for column in _term_columns(term):
            freqs = sorted(self.frequency(column, tok, open_end and i == len(tokens) - 1)
                           for i, tok in enumerate(tokens))
            # a phrase: as common as its rarest word (two words, "语音", are mostly a word),
            # rarer with each further word
            phrase = freqs[0]
            for f in freqs[2:]:
                phrase *= f ** 0.5
            share.append(phrase)
        missing = 1.0
        for f in share:
            missing *= 1.0 - f
        return 1.0 - missing


def _term_columns(term: Term) -> tuple[str, ...]:
    if term.field == "abstract":
        return ("search_abstract",)
    if term.field:
        return ("search_head",)
    return ("search_head", "search_abstract")


PROBE = 500  # papers a first walk checks, to see how common the words are together


def _costs(stats: Statistics, terms: list[Term], complete_last: bool = False
           ) -> tuple[float, float]:
    """(µs to check one paper on a walk, µs to read one match from the indexes). A walk
    checks the terms of the head alone first (``words_condition``), so an abstract's words
    are read only for the share of papers that have them (``cat:quant-ph lattice``: the
    abstract of one paper in 13)."""
    abstract = any("search_abstract" in _term_columns(t) for t in terms)
    head_share = 1.0
    for i, t in enumerate(terms):
        if _head_only(t):
            head_share *= stats.term_frequency(t, complete_last and i == len(terms) - 1)
    check_us = _WALK_HEAD_US + (_ABSTRACT_US * head_share if abstract else 0.0)
    recheck = any(len(_LEXEME.findall(t.text)) > 1 or t.field not in ("", "abstract")
                  for t in terms)
    return check_us, _BITMAP_US + (check_us if recheck else 0.0)


def mixed_read_share(stats: Statistics, terms: list[Term], complete_last: bool = False
                     ) -> float | None:
    """For terms of the head alone (``cat:``, ``au:``, ``ti:``) beside terms of any field: the
    share of papers the indexes read, or None for other queries. PostgreSQL drives such a
    bitmap by the head index alone and checks the other terms' abstract words in every paper
    it found (``cat:quant-ph lattice``: 7,572 papers read for 1,333 matches, 30 ms)."""
    head = [(i, t) for i, t in enumerate(terms) if _head_only(t)]
    if not head or len(head) == len(terms):
        return None
    share = 1.0
    for i, t in head:
        share *= stats.term_frequency(t, complete_last and i == len(terms) - 1)
    return share


def walk_is_cheaper(stats: Statistics, share: float, n: int, check_us: float,
                    match_us: float, read_share: float | None = None) -> bool:
    """Whether walking the primary key until ``n`` matches (papers with the words: ``share``
    of them) costs less than reading every match from the indexes. (The planner prices
    checking a paper's words far below what reading a TOASTed vector costs, and walks for
    words in 2 % of the papers: 20 ms instead of 3.)"""
    walk_us = min(stats.rows, n / max(share, 1e-9)) * check_us
    if read_share is not None and read_share > share:  # ``mixed_read_share``
        return walk_us <= _BITMAP_FIXED_US + read_share * stats.rows * (match_us + _ABSTRACT_US)
    return walk_us <= _BITMAP_FIXED_US + share * stats.rows * match_us


def _words_newest(session: Session, terms: list[Term], cond: ColumnElement[bool], n: int,
                  complete_last: bool, rank: bool, limit: int, rank_cap: int) -> list[int]:
    """The words pass: the ``n`` newest matches of ``cond`` (``rank``: the best ``limit`` of
    them, ``ts_rank``). When the statistics say the words may be common enough, a walk of the
    newest ``PROBE`` papers first, which also measures how common they are together; then
    the walk goes on while that is cheaper, and the older matches are read from the indexes
    (``ORDER BY id + 0``: sorted after reading, never a walk on a guess). A wrong guess costs
    a bounded walk, not a walk of the whole table (FTS5's early stop, by other means)."""
    queries = [q for q in (ts_query(t, prefix=complete_last and i == len(terms) - 1)
                           for i, t in enumerate(terms)) if q]
    every = _tsquery(" & ".join(f"({q})" for q in queries))
    head_rank = func.ts_rank(literal_column(_HEAD_WEIGHTS), HEAD, every)

    def run(where: ColumnElement[bool], order: Any, k: int) -> list[tuple[int, float]]:
        columns = (P.id, head_rank) if rank else (P.id, literal_column("0.0"))
        return [(int(i), float(r)) for i, r in session.execute(
            select(*columns).where(where).order_by(order).limit(k))]

    stats = Statistics.read(session)
    check_us, match_us = _costs(stats, terms, complete_last)
    # the terms' words together are at most as common as the rarest term's
    share = min(stats.term_frequency(t, complete_last and i == len(terms) - 1)
                for i, t in enumerate(terms))
    read_share = mixed_read_share(stats, terms, complete_last)
    rows: list[tuple[int, float]] = []
    bound: int | None = None
    if walk_is_cheaper(stats, share, n, check_us, match_us, read_share):
        top = session.scalar(select(func.max(P.id)))
        if top is None:
            return []
        # a short walk first: how common the words are together (correlated or not)
        bound = int(top) - PROBE
        rows = run(and_(P.id > bound, cond), P.id.desc(), n)
        if len(rows) < n and bound > 0:
            seen = (len(rows) + 0.5) / PROBE
            if walk_is_cheaper(stats, seen, n - len(rows), check_us, match_us, read_share):
                upper, bound = bound, bound - int(2 * (n - len(rows)) / seen) - 100
                rows += run(and_(P.id > bound, P.id <= upper, cond), P.id.desc(),
                            n - len(rows))
    if len(rows) < n and (bound is None or bound > 0):
        older = cond if bound is None else and_(P.id <= bound, cond)
        # id + 0: sorted after reading the matches, never a walk of the primary key; and for
        # many matches (a page of 10,000) not a scan of the table either (2x slower)
        many = share * stats.rows > 2000
        conn = session.connection()
        if many:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        try:
            rows += run(older, (P.id + 0).desc(), n - len(rows))
        finally:
            if many:
                conn.exec_driver_sql("SET LOCAL enable_seqscan = on")
    if not rank:
        return [pid for pid, _ in rows]
    score = dict(rows)
    if 1 < len(rows) <= rank_cap:  # all the matches: the abstract's words count too
        for pid, r in session.execute(select(P.id, func.ts_rank(ABSTRACT, every))
                                      .where(P.id.in_(list(score)))):
            score[int(pid)] += float(r)
    return sorted(score, key=lambda pid: (-score[pid], -pid))[:limit]


def matches(session: Session, terms: list[Term], limit: int, rank: bool,
            rank_cap: int = 250, exact_cap: int = 500, person: str | None = None) -> list[int]:
    """Ids of papers matching every term (``condition``), in the passes of the SQLite search
    (``PapersRepository._matches``), each newest first and each run only when the ones before
    left fewer than ``limit``: the terms as whole words (the word indexes; for a common word
    the planner walks the primary key and stops early), as title substrings (trigram
    indexes), the last word completed as a prefix, and, for several terms found in different
    ways, the rarest term's papers (at most ``exact_cap``) checked for the others.
    ``rank=False``: newest first; ``rank=True``: the words pass's newest ``rank_cap + 1``
    matches best first (``ts_rank``), then the other passes' newest first."""
    if not terms:
        return []
    person = person_of(session) if person is None else person
    found: list[int] = []
    seen: set[int] = set()

    def add(pids: list[int]) -> None:
        for pid in pids:
            if len(found) >= limit:
                return
            if pid not in seen:
                seen.add(pid)
                found.append(pid)

    def words_pass(complete_last: bool) -> None:
        cond = words_condition(terms, complete_last)
        if cond is None or len(found) >= limit:
            return
        n = rank_cap + 1 if rank else limit
        add(_words_newest(session, terms, cond, n, complete_last, rank, limit, rank_cap))

    exact = words_condition(terms, complete_last=False)
    last = terms[-1]
    completes = ts_query(last, prefix=True) != ts_query(last, prefix=False)
    words_pass(False)
    substrings = substring_condition(terms, person)
    if substrings is not None and len(found) < limit:
        add(_newest(session, substrings, limit))
    if len(found) < limit and not any(t.field for t in terms):  # the person's notes, any length
        add(_newest(session, and_(*(notes_condition(t, person) for t in terms)), limit, False))
    if len(terms) == 1:
        if completes:
            words_pass(True)
    elif len(found) < limit:
        mixed, checked = _mixed_matches(session, terms, limit, exact_cap)
        add(mixed)
        if not checked and completes:
            words_pass(True)
    if not found and exact is None and substrings is None:  # punctuation only ("C++")
        add(_newest(session, condition(terms, person), limit))
    return found if rank else sorted(found, reverse=True)


# the fields a term is looked for in (as a substring) among the rarest term's papers, as
# papers_repo's _LIKE_FIELDS
_LIKE_FIELDS: dict[str, tuple[Any, ...]] = {
    "": (P.title, P.authors_text, P.venue, P.abstract),  # and the person's notes
    "authors": (P.authors_text,), "title": (P.title,), "venue": (P.venue,),
    "abstract": (P.abstract,), "categories": (P.categories,),
}


def _term_ids(session: Session, term: Term, cap: int, complete_word: bool) -> list[int] | None:
    """All papers containing ``term`` (title or notes substring, whole words, and its words
    completed when ``complete_word``), or None when there are more than ``cap``."""
    conds = [(substring_condition([term], person_of(session)), False),
             (words_condition([term], complete_last=False), True)]
    if complete_word:
        conds.append((words_condition([term], complete_last=True), True))
    ids: set[int] = set()
    for cond, walk in conds:
        if cond is None:
            continue
        rows = _newest(session, cond, cap + 1, walk)
        if len(rows) > cap:
            return None
        ids.update(rows)
    return sorted(ids) if len(ids) <= cap else None


def _mixed_matches(session: Session, terms: list[Term], limit: int, cap: int
                   ) -> tuple[list[int], bool]:
    """Papers with every term, each found in its own way (one a substring of the title,
    another a word of the abstract), and whether every paper of the rarest term was checked,
    as SQLite's ``_exact_matches``: the rarest term's papers (at most ``cap``) checked for the
    other terms as substrings of their fields. When every term is in more than ``cap``
    papers, the passes' matches are the answer (no scan of the table)."""
    complete: list[tuple[Term, list[int]]] = []
    # the longest (likely rarest) term first; each later one is only asked whether it is
    # rarer than the rarest so far (a common word stops at that many papers)
    for i in sorted(range(len(terms)), key=lambda i: -len(terms[i].text)):
        smallest = min((len(ids) for _, ids in complete), default=cap)
        ids = _term_ids(session, terms[i], smallest, complete_word=i == len(terms) - 1)
        if ids is not None:
            complete.append((terms[i], ids))
    if not complete:
        return [], False
    rare, candidates = min(complete, key=lambda x: len(x[1]))
    if not candidates:
        return [], True
    conds: list[ColumnElement[bool]] = []
    for t in terms:
        if t is rare:
            continue
        pattern = f"%{like_escape(t.text.rstrip('*'))}%"
        fields = _LIKE_FIELDS.get(t.field, _LIKE_FIELDS[""])
        notes = [] if t.field else [notes_condition(t, person_of(session))]
        conds.append(or_(*(c.ilike(_inline(pattern), escape="\\") for c in fields), *notes))
    return _newest(session, and_(P.id.in_(candidates), *conds), limit), True
