"""All SQL about papers. Takes a Session, never commits, returns domain dataclasses.

Search (SQLite): two FTS5 indexes. ``papers_words_fts`` (contentless, migration 0002s) holds the
words of title, authors, venue, abstract and categories, with Chinese/Japanese/Korean characters
spaced out so that any CJK substring (a 2-character word such as 机器 too) is a phrase; it
answers words of any length, phrases, ``au:``/``ti:``/``cat:`` prefixes and bm25 ranking.
``papers_fts`` (trigram, over titles) adds substrings inside words (``former`` in
"transformer"). Notes are the acting person's (``paper_marks``): searched with LIKE among
that person's marked papers, a few thousand at most. PostgreSQL: ``papers_search_pg``.

Papers are shared; reading status, rating, notes and tags are the acting person's
(``store.people``): every read and write of them here is for ``self.person``.
"""

from __future__ import annotations

import bisect
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from scholardesk.domain.paper_query import Term, parse_query
from scholardesk.domain.papers import (
    READING_STATUSES,
    Paper,
    PaperFilter,
    PaperRecord,
    PaperRow,
    Provenance,
    Subscription,
    title_key,
)
from scholardesk.store.db import library_error, sqlite_file_of
from scholardesk.store.models.papers import (
    PaperMarkModel,
    PaperModel,
    PaperSourceModel,
    PaperSubscriptionModel,
    PaperTagModel,
)
from scholardesk.store.people import person_of

SAMPLE_SOURCE_KIND = "sample"  # provenance kind of the shipped sample papers
CHUNK = 500  # SQLite's bound-parameter limit is far above this; keeps statements small
P = PaperModel
M = PaperMarkModel
MARK_DEFAULTS: dict[str, Any] = {"status": "unread", "rating": 0, "notes": ""}  # no row


def _status_rank(status: str) -> int:
    """How far a reading status is (unread < reading < read; an unknown one first)."""
    return READING_STATUSES.index(status) if status in READING_STATUSES else 0


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _categories(cats: Iterable[str]) -> str:
    cats = [c for c in cats if c]
    return f" {' '.join(cats)} " if cats else ""


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps(..., kwargs) builds one per call
_JSON_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _json_map(mapping: Any) -> str:
    return _JSON_SORTED.encode(dict(mapping)) if mapping else "{}"


def record_columns(record: PaperRecord) -> dict[str, Any]:
    """The papers-table columns that come from a record (not status, notes, sample flag)."""
    return dict(zip(RECORD_COLUMNS, record_values(record), strict=True))


RECORD_COLUMNS = (
    "title", "authors_json", "authors_text", "year", "abstract", "doi", "arxiv_id",
    "arxiv_version", "title_key", "categories", "venue", "entry_type", "bibtex_key",
    "published", "updated", "links_json", "extra_json",
)


def record_values(record: PaperRecord) -> tuple[Any, ...]:
    """``record_columns`` as a tuple in ``RECORD_COLUMNS`` order (the bulk insert's row)."""
    authors = record.authors
    return (
        record.title,
        _JSON.encode(list(authors)),
        ", ".join(authors),
        record.year,
        record.abstract,
        record.doi.lower() if record.doi else None,
        record.arxiv_id,
        record.arxiv_version,
        title_key(record.title, authors, record.year),
        _categories(record.categories),
        record.venue,
        record.entry_type or "article",
        record.bibtex_key,
        record.published,
        record.updated,
        _json_map(record.links),
        _json_map(record.extra),
    )


_TERM = re.compile(r'"([^"]+)"|(\S+)')


def split_query(query: str) -> tuple[list[str], list[str]]:
    """Search terms: quoted phrases stay whole; returns (3+ character terms, shorter terms)."""
    long_terms: list[str] = []
    short_terms: list[str] = []
    for m in _TERM.finditer(query):
        term = (m.group(1) or m.group(2) or "").strip()
        if not term:
            continue
        (long_terms if len(term) >= 3 else short_terms).append(term)
    return long_terms, short_terms


# the search box's query language: domain/paper_query.py (the window highlights by it too)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
_WORD = re.compile(r"\w+", re.UNICODE)


def cjk_spaced(text_: str) -> str:
    """What the word index stores: CJK characters spaced out, so that any Chinese substring
    is a phrase of one-character tokens."""
    if text_.isascii():
        return text_
    return _CJK.sub(_space_run, text_)


def _space_run(m: re.Match[str]) -> str:
    # "语音" → " 语  音 ": each character becomes " c " (one call per run, not per character)
    return " " + "  ".join(m.group()) + " "


def words_query(term: str | Term, prefix: bool = True) -> str:
    """FTS5 query for ``term`` in the word index: a phrase, its last word a prefix when it
    has 3+ letters and is not quoted (a 1–2 letter word or a CJK character is matched
    exactly: a short prefix would merge thousands of words' lists), in the prefix's column.
    ``prefix=False``: whole words only (unless the term ends with ``*``). The filter
    (``_term_condition``) uses prefixes; ``search`` only for the last word."""
    t = term if isinstance(term, Term) else Term(term)
    raw = t.text
    star = raw.endswith("*")
    tokens = _WORD.findall(cjk_spaced(raw.rstrip("*")))
    if not tokens:
        return ""
    last = tokens[-1]
    star = star or (prefix and not t.quoted and len(last) >= 3 and not _CJK.match(last))
    phrase = '"' + " ".join(tokens) + '"' + (" *" if star else "")
    return f"{{{t.field}}} : {phrase}" if t.field else phrase


def words_row(pid: int, title: str, authors_text: str, venue: str, abstract: str,
              categories: str) -> tuple[Any, ...]:
    """The row ``papers_words_fts`` indexes for a paper (its 'delete' needs the same)."""
    return (pid, cjk_spaced(title), cjk_spaced(authors_text), cjk_spaced(venue),
            cjk_spaced(abstract), categories.strip())


WORDS_COLUMNS = "title, authors, venue, abstract, categories"
# bm25 column weights: a word in the title counts most, then authors, venue, abstract
WORDS_BM25 = "bm25(papers_words_fts, 10.0, 5.0, 3.0, 1.0, 2.0)"


def trigram_query(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_ids(table: str, match: str) -> Any:
    return (
        text(f"SELECT rowid FROM {table} WHERE {table} MATCH :m")
        .bindparams(bindparam("m", match, unique=True))
        .columns(column("rowid", Integer))
    )


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")



def _bibliographic_fields(m: P, tags: dict[int, tuple[str, ...]]) -> dict[str, Any]:
    """The fields a stored paper shares with an incoming record (for Paper and PaperRecord)."""
    return {
        "title": m.title,
        "authors": tuple(json.loads(m.authors_json)),
        "year": m.year,
        "abstract": m.abstract,
        "doi": m.doi,
        "arxiv_id": m.arxiv_id,
        "arxiv_version": m.arxiv_version,
        "categories": tuple(m.categories.split()),
        "venue": m.venue,
        "entry_type": m.entry_type,
        "bibtex_key": m.bibtex_key,
        "published": m.published,
        "updated": m.updated,
        "links": json.loads(m.links_json),
        "extra": json.loads(m.extra_json),
        "tags": tags.get(m.id, ()),
    }

class PapersRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.person = person_of(session)

    # -- dedupe ---------------------------------------------------------------------------------
    def match_keys(
        self, arxiv_ids: Iterable[str], dois: Iterable[str], title_keys: Iterable[str]
    ) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        """Existing paper ids by arXiv id, DOI and title key (lowest id wins on ties)."""
        out: list[dict[str, int]] = []
        for col, values in ((P.arxiv_id, arxiv_ids), (P.doi, dois), (P.title_key, title_keys)):
            found: dict[str, int] = {}
            unique = sorted(set(values))
            if self.sqlite:
                # Plain DB-API queries: compiling an expanding IN per chunk costs more than
                # SQLite's index lookups. 900 keeps under the oldest bound-parameter limit.
                conn = self.session.connection()
                for chunk in _chunks(unique, 900):
                    for key, pid in conn.exec_driver_sql(
                        f"SELECT {col.name}, id FROM papers WHERE {col.name} IN "
                        f"({', '.join('?' * len(chunk))}) ORDER BY id DESC",
                        tuple(chunk),
                    ):
                        found[key] = pid
                out.append(found)
                continue
            for chunk in _chunks(unique):
                rows = self.session.execute(
                    select(col, P.id).where(col.in_(chunk)).order_by(P.id.desc())
                )
                for key, pid in rows:
                    if key is not None:
                        found[key] = pid
            out.append(found)
        return out[0], out[1], out[2]

    def match_sources(
        self, origins: Iterable[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], int]:
        """Existing paper ids by provenance (source kind, source, record), lowest id on ties:
        how a record with no other key (no DOI, no arXiv id, a title too short to identify it)
        finds the paper an earlier import of the same entry made."""
        found: dict[tuple[str, str, str], int] = {}
        by_source: dict[tuple[str, str], set[str]] = {}
        for kind, source, record in origins:
            by_source.setdefault((kind, source), set()).add(record)
        S = PaperSourceModel
        for (kind, source), records in by_source.items():
            for chunk in _chunks(sorted(records)):
                rows = self.session.execute(
                    select(S.record_ref, S.paper_id)
                    .where(S.source_kind == kind, S.source_ref == source, S.record_ref.in_(chunk))
                    .order_by(S.paper_id.desc())
                )
                for record, pid in rows:
                    found[(kind, source, record)] = pid
        return found

    def records(self, ids: Iterable[int]) -> dict[int, PaperRecord]:
        """Existing papers as records (for merging), tags included."""
        result: dict[int, PaperRecord] = {}
        id_list = sorted(set(ids))
        tags = self.tags_for(id_list)
        for chunk in _chunks(id_list):
            for m in self.session.scalars(select(P).where(P.id.in_(chunk))):
                result[m.id] = PaperRecord(
                    source_kind="library",
                    source_ref="",
                    **_bibliographic_fields(m, tags),
                )
        return result

    # -- writing --------------------------------------------------------------------------------
    def insert_many(
        self, records: Sequence[PaperRecord], is_sample: bool = False, status: str = "unread"
    ) -> list[int]:
        """New papers with their search-index rows and tags; returns their ids in order."""
        if not records:
            return []
        now = _now()
        if self.sqlite:
            ids = self._insert_sqlite(records, is_sample, now)
        else:
            rows = [
                {
                    **record_columns(r),
                    "is_sample": is_sample,
                    "added_at": now,
                    "modified_at": now,
                }
                for r in records
            ]
            ids = list(
                self.session.scalars(insert(P).returning(P.id, sort_by_parameter_order=True), rows)
            )
        self._index_words(list(zip(ids, records, strict=True)))
        tag_rows = [
            {"paper_id": pid, "person": self.person, "tag": t}
            for pid, r in zip(ids, records, strict=True) for t in r.tags
        ]
        if tag_rows:
            self.session.execute(self._insert_ignore(PaperTagModel), tag_rows)
        if status != MARK_DEFAULTS["status"]:
            self._upsert_marks(ids, {"status": status}, now)
        return ids

    _USER_COLUMNS = ("is_sample", "added_at", "modified_at")
    _INSERT_SQL = (
        f"INSERT INTO papers ({', '.join(RECORD_COLUMNS + _USER_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(RECORD_COLUMNS) + len(_USER_COLUMNS)))})"
    )

    def _insert_sqlite(
        self, records: Sequence[PaperRecord], is_sample: bool, now: datetime
    ) -> list[int]:
        """The rows one by one on the DB-API cursor, each new id read back from SQLite
        (``lastrowid``): never computed, so another writer's rows cannot be mistaken for ours.
        (The ORM's bulk path is 10x slower here; this loop costs ~0.6 us a row over
        executemany.) Then the title rows of ``papers_fts`` (migration 0002a: no insert
        trigger, which made FTS5 flush its index once per row)."""
        conn = self.session.connection()
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        stamp = now.isoformat(sep=" ")
        user = (is_sample, stamp, stamp)
        sql = self._INSERT_SQL
        ids: list[int] = []
        try:
            for r in records:
                cursor.execute(sql, record_values(r) + user)
                ids.append(int(cursor.lastrowid or 0))
        except sqlite3.Error as exc:  # below SQLAlchemy: translate as the engine would
            translated = library_error(exc, sqlite_file_of(str(conn.engine.url)))
            if translated is None:
                raise
            raise translated from exc
        finally:
            cursor.close()
        conn.exec_driver_sql(
            "INSERT INTO papers_fts(rowid, title) VALUES (?, ?)",
            [(pid, r.title) for pid, r in zip(ids, records, strict=True)],
        )
        return ids

    def _index_words(self, rows: Sequence[tuple[int, PaperRecord]]) -> None:
        if not self.sqlite or not rows:
            return
        values = [
            words_row(pid, r.title, ", ".join(r.authors), r.venue, r.abstract,
                      _categories(r.categories))
            for pid, r in rows
        ]
        self.session.connection().exec_driver_sql(
            f"INSERT INTO papers_words_fts(rowid, {WORDS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            values,
        )

    def _unindex_words(self, ids: Sequence[int]) -> None:
        """Take papers out of the (contentless) word index: FTS5 needs the indexed text back,
        so this reads the papers' current columns; call it before they change or go."""
        if not self.sqlite:
            return
        conn = self.session.connection()
        for chunk in _chunks(list(ids)):
            rows = conn.exec_driver_sql(
                "SELECT id, title, authors_text, venue, abstract, categories FROM papers "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            ).fetchall()
            if rows:
                conn.exec_driver_sql(
                    f"INSERT INTO papers_words_fts(papers_words_fts, rowid, {WORDS_COLUMNS}) "
                    "VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                    [words_row(*r) for r in rows],
                )

    def update_from_record(self, paper_id: int, record: PaperRecord) -> None:
        self._unindex_words([paper_id])
        self.session.execute(
            update(P)
            .where(P.id == paper_id)
            .values(**record_columns(record), modified_at=_now())
        )
        self._index_words([(paper_id, record)])
        self.add_tags([paper_id], record.tags)

    def adopt(self, ids: Iterable[int]) -> None:
        """A user action touched these papers: they are the user's now (no sample mark), so
        "delete sample data" keeps them."""
        for chunk in _chunks(sorted(set(ids))):
            self.session.execute(
                update(P).where(P.id.in_(chunk), P.is_sample.is_(True)).values(is_sample=False)
            )

    def add_sources(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        """Provenance rows (paper id, kind, source, record); existing ones are kept as they are.
        A paper that gets a source other than the sample's becomes the user's (``adopt``)."""
        if not rows:
            return
        self.adopt(row[0] for row in rows if row[1] != SAMPLE_SOURCE_KIND)
        now = _now()
        if self.sqlite:
            stamp = now.isoformat(sep=" ")
            self.session.connection().exec_driver_sql(
                "INSERT OR IGNORE INTO paper_sources"
                "(paper_id, source_kind, source_ref, record_ref, imported_at) VALUES (?, ?, ?, ?, ?)",
                [(*row, stamp) for row in rows],
            )
            return
        self.session.execute(
            self._insert_ignore(PaperSourceModel),
            [
                {"paper_id": p, "source_kind": k, "source_ref": s, "record_ref": r,
                 "imported_at": now}
                for p, k, s, r in rows
            ],
        )

    def _insert_ignore(self, model: Any) -> Any:
        """INSERT that keeps existing rows (a unique key already there): SQLite's OR IGNORE,
        PostgreSQL's ON CONFLICT DO NOTHING (safe against a concurrent writer's same row)."""
        if self.sqlite:
            return insert(model).prefix_with("OR IGNORE")
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model).on_conflict_do_nothing()

    def add_tags(self, ids: Sequence[int], tags: Iterable[str]) -> None:
        tag_list = [t for t in tags if t]
        rows = [{"paper_id": pid, "person": self.person, "tag": t} for pid in ids for t in tag_list]
        if rows:
            self.session.execute(self._insert_ignore(PaperTagModel), rows)
            self.adopt(ids)

    def remove_tags(self, ids: Sequence[int], tags: Iterable[str]) -> None:
        tag_list = list(tags)
        if tag_list:
            self.adopt(ids)
        for chunk in _chunks(list(ids)):
            self.session.execute(
                delete(PaperTagModel).where(
                    PaperTagModel.paper_id.in_(chunk), PaperTagModel.person == self.person,
                    PaperTagModel.tag.in_(tag_list),
                )
            )

    def set_fields(self, ids: Sequence[int], **values: Any) -> int:
        """Set the acting person's marks (status, rating, notes) of existing papers; an edited
        sample paper becomes the user's unless the caller says otherwise (``is_sample=True``
        while loading the sample). Returns how many papers there were."""
        if not values:
            return 0
        marks = {k: values.pop(k) for k in list(values) if k in MARK_DEFAULTS}
        values.setdefault("is_sample", False)
        now = _now()
        count = 0
        for chunk in _chunks(list(ids)):
            existing = list(self.session.scalars(select(P.id).where(P.id.in_(chunk))))
            if not existing:
                continue
            self.session.execute(
                update(P).where(P.id.in_(existing)).values(**values, modified_at=now))
            if marks:
                self._upsert_marks(existing, marks, now)
            count += len(existing)
        return count

    def _upsert_marks(self, ids: Sequence[int], marks: dict[str, Any], now: datetime,
                      person: str | None = None) -> None:
        """The acting person's (or ``person``'s) ``marks`` on ``ids``, one statement (INSERT ..
        ON CONFLICT DO UPDATE on both databases): a concurrent writer's row is updated, never
        duplicated."""
        if self.sqlite:
            from sqlalchemy.dialects.sqlite import insert as upsert
        else:
            from sqlalchemy.dialects.postgresql import insert as upsert  # type: ignore[assignment]
        who = self.person if person is None else person
        rows = [{"paper_id": pid, "person": who, **MARK_DEFAULTS, **marks,
                 "modified_at": now} for pid in ids]
        for chunk in _chunks(rows):
            stmt = upsert(M).values(list(chunk))
            self.session.execute(stmt.on_conflict_do_update(
                index_elements=[M.paper_id, M.person],
                set_={**{k: stmt.excluded[k] for k in marks}, "modified_at": now}))

    def others_marking(self, ids: Sequence[int]) -> dict[str, int]:
        """The other people with a mark or a tag on some of ``ids``, with on how many of them
        (what deleting those papers would take from them)."""
        found: dict[str, set[int]] = {}
        for chunk in _chunks(list(ids)):
            for model in (M, PaperTagModel):
                for person, pid in self.session.execute(
                    select(model.person, model.paper_id).distinct()
                    .where(model.paper_id.in_(chunk), model.person != self.person)
                ):
                    found.setdefault(person, set()).add(pid)
        return {person: len(pids) for person, pids in sorted(found.items())}

    def move_marks(self, keep: int, drop: int) -> None:
        """Everyone's marks and tags on ``drop`` onto ``keep`` (two papers becoming one): for
        each person, tags united, both notes kept, the further reading status, the higher
        rating. Every person's, not only the acting one's: the merge deletes ``drop``, and
        another member's notes on it must not go with it."""
        by_person: dict[str, dict[int, Any]] = {}
        for row in self.session.scalars(select(M).where(M.paper_id.in_((keep, drop)))):
            by_person.setdefault(row.person, {})[row.paper_id] = row
        now = _now()
        for person, rows in by_person.items():
            a, b = rows.get(keep), rows.get(drop)
            if b is None:
                continue
            notes = "\n\n".join(n for n in ((a.notes if a else "").strip(), b.notes.strip()) if n)
            status = max((a.status if a else "unread"), b.status, key=_status_rank)
            self._upsert_marks([keep], {"status": status, "rating": max(a.rating if a else 0,
                                                                        b.rating),
                                        "notes": notes}, now, person)
        tags = [{"paper_id": keep, "person": person, "tag": tag}
                for person, tag in self.session.execute(
                    select(PaperTagModel.person, PaperTagModel.tag)
                    .where(PaperTagModel.paper_id == drop))]
        if tags:
            self.session.execute(self._insert_ignore(PaperTagModel), tags)

    def marks_for(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The acting person's status, rating and notes of ``ids`` that have any (the rest:
        ``MARK_DEFAULTS``)."""
        out: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(list(ids)):
            for pid, status, rating, notes in self.session.execute(
                select(M.paper_id, M.status, M.rating, M.notes)
                .where(M.paper_id.in_(chunk), M.person == self.person)
            ):
                out[pid] = {"status": status, "rating": rating, "notes": notes}
        return out

    def set_links(self, paper_id: int, links: dict[str, str]) -> None:
        self.session.execute(
            update(P)
            .where(P.id == paper_id)
            .values(links_json=json.dumps(links, ensure_ascii=False, sort_keys=True),
                    is_sample=False, modified_at=_now())
        )

    def delete(self, ids: Sequence[int]) -> int:
        count = 0
        self._unindex_words(ids)
        for chunk in _chunks(list(ids)):
            # a paper is everyone's: deleting it takes every person's marks and tags with it
            self.session.execute(
                delete(PaperTagModel).where(PaperTagModel.paper_id.in_(chunk))
            )
            self.session.execute(delete(M).where(M.paper_id.in_(chunk)))
            self.session.execute(
                delete(PaperSourceModel).where(PaperSourceModel.paper_id.in_(chunk))
            )
            result = self.session.execute(delete(P).where(P.id.in_(chunk)))
            count += int(getattr(result, "rowcount", 0) or 0)
        return count

    def sample_ids(self) -> list[int]:
        return list(self.session.scalars(select(P.id).where(P.is_sample.is_(True))))

    # -- reading --------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(P)) or 0)

    def tags_for(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {}
        for chunk in _chunks(list(ids)):
            rows = self.session.execute(
                select(PaperTagModel.paper_id, PaperTagModel.tag)
                .where(PaperTagModel.paper_id.in_(chunk), PaperTagModel.person == self.person)
                .order_by(PaperTagModel.tag)
            )
            for pid, tag in rows:
                out.setdefault(pid, []).append(tag)
        return {k: tuple(v) for k, v in out.items()}

    def _term_condition(self, term: Term) -> ColumnElement[bool]:
        """Papers where ``term`` occurs: a substring of the title (trigram, 3+ characters) or
        of the acting person's notes, or the words of any field / the prefixed field (word
        index)."""
        if not self.sqlite:  # PostgreSQL: pg_trgm indexes (migration 0002p)
            from scholardesk.store import papers_search_pg

            return papers_search_pg.term_condition(term, self.person)
        parts: list[ColumnElement[bool]] = []
        trigram = self._trigram_match(term)
        if trigram:
            parts.append(P.id.in_(_fts_ids("papers_fts", trigram)))
        words = words_query(term)
        if words:
            parts.append(P.id.in_(_fts_ids("papers_words_fts", words)))
        if not parts:  # punctuation only ("C++" has no word): the title as typed
            parts.append(P.title.like(f"%{_like_escape(term.text)}%", escape="\\"))
        if not term.field:
            parts.append(P.id.in_(self._notes_with(term.text)))
        return or_(*parts)

    def _notes_with(self, *texts: str) -> Any:
        """Ids of the papers whose notes (the acting person's) contain every one of ``texts``
        (one pass over that person's notes)."""
        return select(M.paper_id).where(
            M.person == self.person, M.notes != "",
            *(M.notes.like(f"%{_like_escape(t.rstrip('*'))}%", escape="\\") for t in texts))

    @staticmethod
    def _trigram_match(term: Term) -> str:
        """The trigram index's query for a term, or "" when it cannot answer it (shorter than
        3 characters, or a prefix other than ``ti:``)."""
        if term.field not in ("", "title") or len(term.text) < 3:
            return ""
        match = trigram_query(term.text.rstrip("*") if term.text.endswith("*") else term.text)
        return f"{{title}} : {match}" if term.field else match

    def _text_condition(self, query: str) -> ColumnElement[bool] | None:
        terms = parse_query(query)
        if not terms:
            return None
        return and_(*(self._term_condition(t) for t in terms))

    def _conditions(self, flt: PaperFilter) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if flt.query.strip():
            cond = self._text_condition(flt.query)
            if cond is not None:
                conds.append(cond)
        if flt.tag:
            conds.append(P.id.in_(select(PaperTagModel.paper_id).where(
                PaperTagModel.person == self.person, PaperTagModel.tag == flt.tag)))
        if flt.status == MARK_DEFAULTS["status"]:  # no row is "unread" too
            conds.append(P.id.not_in(select(M.paper_id).where(
                M.person == self.person, M.status != flt.status)))
        elif flt.status:
            conds.append(P.id.in_(select(M.paper_id).where(
                M.person == self.person, M.status == flt.status)))
        if flt.category:
            words = words_query(Term(flt.category, "categories", quoted=True))
            if self.sqlite and words:  # the word index narrows, LIKE keeps it exact
                conds.append(P.id.in_(_fts_ids("papers_words_fts", words)))
            conds.append(P.categories.like(f"% {_like_escape(flt.category)} %", escape="\\"))
        if flt.year_from is not None:
            conds.append(P.year >= flt.year_from)
        if flt.year_to is not None:
            conds.append(P.year <= flt.year_to)
        if flt.ids is not None:
            if self.sqlite and len(flt.ids) > CHUNK:  # one parameter, not thousands
                conds.append(P.id.in_(
                    select(column("value", Integer)).select_from(
                        func.json_each(_JSON.encode(list(flt.ids))))))
            elif len(flt.ids) > CHUNK:  # PostgreSQL: one array (10,000 parameters: 60 ms)
                from sqlalchemy.dialects.postgresql import ARRAY

                conds.append(P.id == func.any(bindparam(None, list(flt.ids), ARRAY(Integer))))
            else:
                conds.append(P.id.in_(list(flt.ids)))
        if flt.sample is not None:
            conds.append(P.is_sample.is_(flt.sample))
        return conds

    _SORT: ClassVar[dict[str, tuple[Any, ...]]] = {
        "added": (P.id,),
        "title": (func.lower(P.title), P.id),
        "authors": (func.lower(P.authors_text), P.id),
        "year": (P.year, P.id),
        "venue": (func.lower(P.venue), P.id),
    }
    _MARK_SORTS = ("status", "rating")  # the acting person's marks: ``_ids_by_mark``

    def ids(
        self, flt: PaperFilter, sort: str = "added", descending: bool = True,
        limit: int | None = None, offset: int = 0, total: int | None = None,
    ) -> list[int]:
        """Ids of the papers that pass the filter, in display order (``offset``/``limit``: one
        window of it; an index walk for every sort, see migration 0002s). ``total``: how many
        pass, when the caller has counted them already (a sort by a mark needs the count)."""
        if sort in self._MARK_SORTS:
            return self._ids_by_mark(flt, sort, descending, limit, offset, total)
        columns = self._SORT.get(sort, (P.id,))
        order = [c.desc() if descending else c.asc() for c in columns]
        stmt = select(P.id).where(*self._conditions(flt)).order_by(*order)
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        return list(self.session.scalars(stmt))

    def _ids_by_mark(self, flt: PaperFilter, mark: str, descending: bool,
                     limit: int | None, offset: int, total: int | None) -> list[int]:
        """``ids`` sorted by one of the acting person's marks (status, rating), ties by id.

        The papers whose mark is not the default (the few this person marked) are sorted
        here; every other paper has the default, so they are one block in id order, walked
        like any sort's window (``_block_window``). The window is cut from the three
        segments: marked before the default, the block, marked after it."""
        value = getattr(M, mark)
        default = MARK_DEFAULTS[mark]
        conds = self._conditions(flt)
        marked = [(pid, v) for pid, v in self.session.execute(
            select(M.paper_id, value).join(P, P.id == M.paper_id)
            .where(M.person == self.person, value != default, *conds))]
        marked.sort(key=lambda r: (r[1], r[0]), reverse=descending)
        first = [pid for pid, v in marked if (v > default) == descending]
        last = [pid for pid, v in marked if (v > default) != descending]
        block = (self.count_matching(flt) if total is None else total) - len(marked)
        stop = offset + limit if limit is not None else len(first) + block + len(last)
        out = first[offset:stop]
        start_in_block = max(0, offset - len(first))
        stop_in_block = min(block, stop - len(first))
        if stop_in_block > start_in_block:
            out.extend(self._block_window(conds, sorted(pid for pid, _ in marked), descending,
                                          start_in_block, stop_in_block))
        skip = len(first) + block
        out.extend(last[max(0, offset - skip): max(0, stop - skip)])
        return out

    def _block_window(self, conds: list[ColumnElement[bool]], marked: list[int],
                      descending: bool, start: int, stop: int) -> list[int]:
        """Rows ``start`` .. ``stop`` of the papers passing ``conds`` that are not in ``marked``
        (sorted ids), in id order. One walk of the id index, as any sort's window: the row
        ``start`` of the block is at most ``len(marked)`` rows further down the whole list, so
        the walk reads that many more and the marked ones are dropped here (a ``NOT IN`` on
        every row walked cost 0.1 us each: 120 ms at row 900,000)."""
        ids = list(self.session.scalars(
            select(P.id).where(*conds).order_by(P.id.desc() if descending else P.id.asc())
            .offset(start).limit(stop - start + len(marked))))
        taken = set(marked)
        out: list[int] = []
        for i, pid in enumerate(ids):
            if pid in taken:
                continue
            # marked rows before this one in the whole list (larger ids first when descending)
            before = (len(marked) - bisect.bisect_right(marked, pid) if descending
                      else bisect.bisect_left(marked, pid))
            if 0 <= i - before < stop - start:  # its row in the block is in the window
                out.append(pid)
        return out

    def count_matching(self, flt: PaperFilter) -> int:
        """How many papers pass the filter. No filter, on SQLite: a walk of the id index
        (``ix_papers_sort_added``, integers only: 4 ms at 1M papers), which SQLite does not
        pick by itself (it walked the venue index, 19 ms, once the status index was gone)."""
        conds = self._conditions(flt)
        if not conds and self.sqlite:
            return int(self.session.connection().exec_driver_sql(
                "SELECT count(*) FROM papers INDEXED BY ix_papers_sort_added").scalar() or 0)
        return int(self.session.scalar(select(func.count()).select_from(P).where(*conds)) or 0)

    TABLE_CAP = 10_000  # a search shows at most this many rows ("more than 10,000")

    def page(
        self, flt: PaperFilter, sort: str = "added", descending: bool = True,
        offset: int = 0, limit: int = 200,
    ) -> tuple[list[int], int, bool]:
        """One window of the Papers table: (ids of rows ``offset`` .. ``offset + limit``, how
        many rows there are, whether a search matched more than that).

        Without a search, the count and the window are index walks, whatever the library's
        size. With one, the index passes of ``search`` give the newest ``TABLE_CAP`` matches
        (early stop: a common word costs what a rare one does); the other filters and the
        sort apply to those, and the window is the whole (capped) result."""
        terms = parse_query(flt.query) if flt.query.strip() else []
        if not terms:
            total = self.count_matching(flt)
            return self.ids(flt, sort, descending, limit, offset, total), total, False
        matched = self._matches(terms, self.TABLE_CAP + 1, rank=False)
        more = len(matched) > self.TABLE_CAP
        wanted = set(matched[: self.TABLE_CAP])
        if flt.ids is not None:
            wanted &= set(flt.ids)
        ids = self.ids(replace(flt, query="", ids=tuple(sorted(wanted))), sort, descending)
        return ids, len(ids), more

    RANK_CAP = 250  # up to this many matches are ranked by bm25; more: titles, newest first
    IDF_CAP = 2000  # ...if each term is in at most this many papers (bm25's idf reads them)

    def search(self, query: str, limit: int = 50) -> list[int]:
        """Matches for a search box, best first.

        A query matching up to ``RANK_CAP`` papers, none of its words in more than
        ``IDF_CAP``, is ranked by bm25 (a title word weighs most); any other lists, of its
        newest ``RANK_CAP`` matches, those with the words in the title first, then the rest,
        newest first. FTS5 walks its
        index in rowid order and stops at the cap, so a common word costs what a rare one
        does. Terms found in different indexes (one a substring inside a title word, another
        only in the abstract) are completed by ``_exact_matches``.
        """
        terms = parse_query(query)
        if not terms:
            return []
        return self._matches(terms, limit, rank=True)

    def _matches(self, terms: list[Term], limit: int, rank: bool) -> list[int]:
        if not self.sqlite:  # PostgreSQL: pg_trgm indexes (migration 0002p)
            from scholardesk.store import papers_search_pg

            return papers_search_pg.matches(self.session, terms, limit, rank, self.RANK_CAP,
                                            person=self.person)
        conn = self.session.connection()
        found: list[int] = []
        seen: set[int] = set()

        def add(pids: Iterable[int]) -> None:
            for pid in pids:
                if len(found) >= limit:
                    return
                if pid not in seen:
                    seen.add(pid)
                    found.append(pid)

        def newest(table: str, match: str, n: int) -> list[int]:
            return [r[0] for r in conn.exec_driver_sql(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?",
                (match, n))]

        # Whole words first: FTS5 walks one word's list newest first and stops early. A
        # prefix query ("recog" *) merges every matching word's whole list before it can
        # answer (40 ms for "model" * at 1M papers), so only the last word, the one being
        # typed, is completed, only when the other passes leave the page short, and not
        # when the rarest term's papers were already checked for it by substring.
        parts = [words_query(t, False) for t in terms]
        exact = " AND ".join(parts) if all(parts) else ""
        last = words_query(terms[-1], True)
        completed = " AND ".join(parts[:-1] + [last]) if exact and last != parts[-1] else ""

        def rare(word_parts: list[str]) -> bool:
            """Every term in at most IDF_CAP papers: bm25 counts each term's papers (its
            idf) by reading the term's whole list, 5 ms for a word in every other paper."""
            return all(len(newest("papers_words_fts", w, self.IDF_CAP + 1)) <= self.IDF_CAP
                       for w in word_parts)

        def words_pass(words: str, word_parts: list[str] | None) -> None:
            if not words or len(found) >= limit:
                return
            if not rank:
                add(newest("papers_words_fts", words, limit))
                return
            # newest matches first, stopping at the cap: a common word costs what a rare does
            probe = newest("papers_words_fts", words, self.RANK_CAP + 1)
            if len(probe) <= self.RANK_CAP and word_parts and rare(word_parts):
                add(r[0] for r in conn.exec_driver_sql(  # all of them: rank them
                    "SELECT rowid FROM papers_words_fts WHERE papers_words_fts MATCH ? "
                    f"ORDER BY {WORDS_BM25}, rowid DESC LIMIT ?", (words, limit)))
                return
            # of the newest matches, those with the words in the title first (ascending:
            # FTS5 applies a lower rowid bound only then, 0.1 ms instead of 7)
            in_title = [r[0] for r in conn.exec_driver_sql(
                "SELECT rowid FROM papers_words_fts WHERE papers_words_fts MATCH ? "
                "AND rowid >= ? ORDER BY rowid LIMIT ?",
                (f"{{title}} : ({words})", probe[-1] if probe else 0, self.RANK_CAP + 1))]
            add(reversed(in_title))
            add(probe)

        words_pass(exact, parts)
        trigram = [self._trigram_match(t) for t in terms]
        if len(found) < limit and all(trigram):  # substrings: also prefixes of title words
            add(newest("papers_fts", " AND ".join(trigram), limit))
        if len(found) < limit and not any(t.field for t in terms):  # the person's notes
            add(self.session.scalars(self._notes_with(*(t.text for t in terms))
                                     .order_by(M.paper_id.desc()).limit(limit)))
        if len(terms) == 1:
            words_pass(completed, None)
        if len(found) < limit and len(terms) > 1:
            mixed, checked = self._exact_matches(terms, limit)
            add(mixed)
            if not checked:
                words_pass(completed, None)
        return found if rank else sorted(found, reverse=True)

    def _term_ids(self, term: Term, cap: int, complete_word: bool = False) -> list[int] | None:
        """All papers containing ``term``, or None when there are more than ``cap``.
        ``complete_word``: also the words it is a prefix of (the last word of a query), asked
        only when the whole word is not already too common (a prefix merges whole lists)."""
        conn = self.session.connection()
        ids: set[int] = set()
        sql = "SELECT rowid FROM {t} WHERE {t} MATCH ? LIMIT ?"
        matches = [("papers_fts", self._trigram_match(term)),
                   ("papers_words_fts", words_query(term, False))]
        if complete_word and matches[1][1] != words_query(term, True):
            matches.append(("papers_words_fts", words_query(term, True)))
        for table, match in matches:
            if not match:
                continue
            rows = conn.exec_driver_sql(sql.format(t=table), (match, cap + 1)).fetchall()
            if len(rows) > cap:
                return None
            ids.update(r[0] for r in rows)
        if not term.field:
            ids.update(self.session.scalars(self._notes_with(term.text).limit(cap + 1)))
        return sorted(ids) if len(ids) <= cap else None

    _LIKE_FIELDS: ClassVar[dict[str, tuple[Any, ...]]] = {
        "": (P.title, P.authors_text, P.venue, P.abstract),  # and the person's notes
        "authors": (P.authors_text,), "title": (P.title,), "venue": (P.venue,),
        "abstract": (P.abstract,), "categories": (P.categories,),
    }

    def _exact_matches(self, terms: list[Term], limit: int, cap: int = 500
                       ) -> tuple[list[int], bool]:
        """Papers with every term in some field, the terms found through different indexes,
        and whether every paper of the rarest term was checked. Driven by the rarest term:
        its (small) set of papers is checked for the other terms with LIKE (substrings, so
        word prefixes too), so a query that pairs a common word with a rare one stays fast.
        When every term is common, the index passes' matches are the answer (no full scan)."""
        sets = [(t, self._term_ids(t, cap, complete_word=i == len(terms) - 1))
                for i, t in enumerate(terms)]
        complete = [(t, ids) for t, ids in sets if ids is not None]
        if not complete:
            return [], False
        rare_term, candidates = min(complete, key=lambda x: len(x[1]))
        conds: list[ColumnElement[bool]] = []
        for t in terms:
            if t is rare_term:
                continue
            pattern = f"%{_like_escape(t.text.rstrip('*'))}%"
            fields = self._LIKE_FIELDS.get(t.field, self._LIKE_FIELDS[""])
            notes = [] if t.field else [P.id.in_(self._notes_with(t.text))]
            conds.append(or_(*(c.like(pattern, escape="\\") for c in fields), *notes))
        out: list[int] = []
        for chunk in _chunks(sorted(candidates, reverse=True)):
            out.extend(self.session.scalars(
                select(P.id).where(P.id.in_(chunk), *conds).order_by(P.id.desc())
            ))
        return sorted(out, reverse=True)[:limit], True

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """Table snapshots for ``ids``, in the order given (missing ids are left out)."""
        if not ids:
            return []
        found: dict[int, PaperRow] = {}
        tags = self.tags_for(ids)
        for chunk in _chunks(list(ids)):
            stmt = select(  # the person's marks in the same statement (one round trip less)
                P.id, P.title, P.authors_json, P.year, P.venue, P.arxiv_id, P.doi, P.is_sample,
                M.status, M.rating,
            ).join(M, and_(M.paper_id == P.id, M.person == self.person), isouter=True
                   ).where(P.id.in_(chunk))
            for r in self.session.execute(stmt):
                found[r.id] = PaperRow(
                    r.id, r.title, tuple(json.loads(r.authors_json)), r.year, r.venue,
                    r.arxiv_id, r.doi, r.status or MARK_DEFAULTS["status"], r.rating or 0,
                    tags.get(r.id, ()), bool(r.is_sample),
                )
        return [found[i] for i in ids if i in found]

    def papers(self, ids: Sequence[int], with_provenance: bool = False) -> list[Paper]:
        found: dict[int, Paper] = {}
        tags = self.tags_for(ids)
        marks = self.marks_for(ids)
        sources: dict[int, list[Provenance]] = {}
        if with_provenance:
            for chunk in _chunks(list(ids)):
                for s in self.session.scalars(
                    select(PaperSourceModel)
                    .where(PaperSourceModel.paper_id.in_(chunk))
                    .order_by(PaperSourceModel.id)
                ):
                    sources.setdefault(s.paper_id, []).append(
                        Provenance(s.source_kind, s.source_ref, s.record_ref, s.imported_at)
                    )
        for chunk in _chunks(list(ids)):
            for m in self.session.scalars(select(P).where(P.id.in_(chunk))):
                found[m.id] = Paper(
                    id=m.id,
                    **_bibliographic_fields(m, tags),
                    **marks.get(m.id, MARK_DEFAULTS),
                    is_sample=m.is_sample,
                    added_at=m.added_at,
                    provenance=tuple(sources.get(m.id, ())),
                )
        return [found[i] for i in ids if i in found]

    def all_tags(self) -> list[tuple[str, int]]:
        rows = self.session.execute(
            select(PaperTagModel.tag, func.count())
            .where(PaperTagModel.person == self.person)
            .group_by(PaperTagModel.tag)
            .order_by(PaperTagModel.tag)
        )
        return [(t, int(n)) for t, n in rows]

    def all_categories(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        rows = self.session.execute(
            select(P.categories, func.count()).where(P.categories != "").group_by(P.categories)
        )
        for cats, n in rows:
            for c in cats.split():
                counts[c] = counts.get(c, 0) + int(n)
        return sorted(counts.items())

    def distinct_venues(self) -> list[tuple[str, int]]:
        """Every raw venue string in the library with how many papers use it."""
        rows = self.session.execute(
            select(P.venue, func.count()).where(P.venue != "").group_by(P.venue).order_by(P.venue)
        )
        return [(v, int(n)) for v, n in rows]

    def venues_for(self, ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in _chunks(list(ids)):
            for pid, venue in self.session.execute(
                select(P.id, P.venue).where(P.id.in_(chunk), P.venue != "")
            ):
                out[pid] = venue
        return out

    def ids_with_venues(self, venues: Iterable[str]) -> list[int]:
        ids: list[int] = []
        for chunk in _chunks(sorted(set(venues))):
            ids.extend(self.session.scalars(select(P.id).where(P.venue.in_(chunk))))
        return ids

    # -- subscriptions --------------------------------------------------------------------------
    def subscriptions(self) -> list[Subscription]:
        return [
            Subscription(s.id, s.kind, s.query, s.last_checked_at, s.last_published)
            for s in self.session.scalars(
                select(PaperSubscriptionModel).order_by(PaperSubscriptionModel.id)
            )
        ]

    def add_subscription(self, kind: str, query: str) -> bool:
        exists = self.session.scalar(
            select(PaperSubscriptionModel.id).where(
                PaperSubscriptionModel.kind == kind, PaperSubscriptionModel.query == query
            )
        )
        if exists:
            return False
        self.session.add(
            PaperSubscriptionModel(kind=kind, query=query, created_at=_now(), last_published="")
        )
        self.session.flush()
        return True

    def remove_subscription(self, kind: str, query: str) -> bool:
        result = self.session.execute(
            delete(PaperSubscriptionModel).where(
                PaperSubscriptionModel.kind == kind, PaperSubscriptionModel.query == query
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def mark_checked(self, sub_id: int, last_published: str) -> None:
        self.session.execute(
            update(PaperSubscriptionModel)
            .where(PaperSubscriptionModel.id == sub_id)
            .values(last_checked_at=_now(), last_published=last_published)
        )
