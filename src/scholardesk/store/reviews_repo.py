"""Review-time records in the database. Takes a Session, never commits, returns domain types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from scholardesk.domain.reviews import (
    ArticleHistory,
    ArticleQuery,
    JournalInfo,
    OfficialFigure,
    looks_like_issn,
    merge,
    normalise_issn,
    normalise_journal,
    validate,
)
from scholardesk.store.models.reviews import ReviewArticle, ReviewCrawl, ReviewOfficial


def _to_domain(row: ReviewArticle) -> ArticleHistory:
    return ArticleHistory(
        id=row.id,
        doi=row.doi,
        title=row.title,
        journal=row.journal,
        issn=row.issn,
        eissn=row.eissn,
        article_type=row.article_type,
        received=row.received,
        revised=row.revised,
        accepted=row.accepted,
        online=row.online,
        published=row.published,
        revisions=tuple(dt.date.fromisoformat(d) for d in row.revisions.split(";") if d),
        abstract=row.abstract,
        source=row.source,
        source_url=row.source_url,
        fetched_at=row.fetched_at,
        is_sample=row.is_sample,
    )


def _fill(row: ReviewArticle, h: ArticleHistory) -> None:
    row.key = h.key
    row.doi = h.doi
    row.title = h.title
    row.abstract = h.abstract
    row.journal = h.journal
    row.journal_key = normalise_journal(h.journal)
    row.issn = h.issn
    row.eissn = h.eissn
    row.article_type = h.article_type
    row.received = h.received
    row.revised = h.revised
    row.accepted = h.accepted
    row.online = h.online
    row.published = h.published
    row.revisions = ";".join(d.isoformat() for d in h.revisions)
    row.flags = ",".join(validate(h))
    row.source = h.source
    row.source_url = h.source_url
    row.is_sample = h.is_sample


def journal_condition(journal: str) -> Any:
    """SQL condition for "this journal": an ISSN (print or electronic) or a name."""
    issn = normalise_issn(journal)
    if issn:
        return or_(ReviewArticle.issn == issn, ReviewArticle.eissn == issn)
    key = normalise_journal(journal)
    return ReviewArticle.journal_key == key


class ReviewsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- articles -------------------------------------------------------------------------

    def upsert(self, h: ArticleHistory, now: dt.datetime | None = None) -> str:
        """Insert or merge a record (same key = duplicate). Returns imported/updated/skipped."""
        row = self.session.scalar(select(ReviewArticle).where(ReviewArticle.key == h.key))
        if row is None:
            row = ReviewArticle(fetched_at=h.fetched_at or now or dt.datetime.now())
            _fill(row, h)
            self.session.add(row)
            self.session.flush()
            return "imported"
        old = _to_domain(row)
        merged = merge(old, h)
        if old.is_sample and not h.is_sample:  # the user's import merged in: theirs now
            merged = replace(merged, is_sample=False)
        if merged == old:
            return "skipped"
        _fill(row, merged)
        row.fetched_at = now or dt.datetime.now()
        return "updated"

    def get(self, article_id: int) -> ArticleHistory | None:
        row = self.session.get(ReviewArticle, article_id)
        return _to_domain(row) if row else None

    def by_key(self, key: str) -> ArticleHistory | None:
        row = self.session.scalar(select(ReviewArticle).where(ReviewArticle.key == key))
        return _to_domain(row) if row else None

    def _query(self, q: ArticleQuery) -> Select[Any]:
        stmt = select(ReviewArticle)
        if q.journal:
            stmt = stmt.where(journal_condition(q.journal))
        if q.keyword:
            like = f"%{q.keyword.strip()}%"
            stmt = stmt.where(
                or_(ReviewArticle.title.ilike(like), ReviewArticle.abstract.ilike(like))
            )
        if q.article_type:
            stmt = stmt.where(ReviewArticle.article_type == q.article_type)
        when = func.coalesce(ReviewArticle.accepted, ReviewArticle.online, ReviewArticle.received)
        if q.date_from:
            stmt = stmt.where(when >= q.date_from)
        if q.date_to:
            stmt = stmt.where(when <= q.date_to)
        stmt = stmt.order_by(when.desc(), ReviewArticle.id)
        if q.limit:
            stmt = stmt.limit(q.limit)
        return stmt

    def articles(self, q: ArticleQuery) -> list[ArticleHistory]:
        return [_to_domain(r) for r in self.session.scalars(self._query(q))]

    def by_source(self, source: str) -> list[ArticleHistory]:
        """Every record of one source (e.g. the user's own "my submissions" records)."""
        stmt = select(ReviewArticle).where(ReviewArticle.source == source).order_by(ReviewArticle.id)
        return [_to_domain(r) for r in self.session.scalars(stmt)]

    def overwrite(self, article_id: int, h: ArticleHistory, now: dt.datetime | None = None) -> bool:
        """Replace a record's fields with ``h`` (no merging: for sources that own their records)."""
        row = self.session.get(ReviewArticle, article_id)
        if row is None:
            return False
        _fill(row, h)
        row.fetched_at = now or dt.datetime.now()
        return True

    def count(self) -> int:
        return int(self.session.scalar(select(func.count(ReviewArticle.id))) or 0)

    def keys_without_history(self, keys: Iterable[str]) -> set[str]:
        """Of ``keys``, those not stored yet or stored without received/accepted dates."""
        wanted = list(keys)
        have = set(
            self.session.scalars(
                select(ReviewArticle.key).where(
                    ReviewArticle.key.in_(wanted),
                    or_(ReviewArticle.received.is_not(None), ReviewArticle.accepted.is_not(None)),
                )
            )
        )
        return set(wanted) - have

    def journals(self) -> list[JournalInfo]:
        """Every journal with articles (grouped by ISSN when known, else by name)."""
        stmt = (
            select(
                func.max(ReviewArticle.journal),
                ReviewArticle.issn,
                ReviewArticle.eissn,
                ReviewArticle.journal_key,
                func.count(ReviewArticle.id),
            )
            .group_by(ReviewArticle.journal_key, ReviewArticle.issn, ReviewArticle.eissn)
            .order_by(func.count(ReviewArticle.id).desc())
        )
        merged: dict[str, JournalInfo] = {}
        for name, issn, eissn, key, n in self.session.execute(stmt):
            ident = key or issn or eissn
            if ident in merged:
                prev = merged[ident]
                merged[ident] = JournalInfo(
                    prev.journal, prev.issn or issn, prev.eissn or eissn, prev.articles + n
                )
            else:
                merged[ident] = JournalInfo(name or issn or eissn, issn, eissn, int(n))
        return sorted(merged.values(), key=lambda j: (-j.articles, j.journal.casefold()))

    def journal_name(self, journal: str) -> str:
        """The stored title of a journal given by ISSN or name ("" when unknown)."""
        name = self.session.scalar(
            select(ReviewArticle.journal)
            .where(journal_condition(journal), ReviewArticle.journal != "")
            .limit(1)
        )
        return name or ""

    def iter_columns(self, q: ArticleQuery) -> Iterator[tuple[Any, ...]]:
        """Plain tuples for the statistics (no ORM objects): journal, dates, type, flags."""
        stmt = self._query(q).with_only_columns(
            ReviewArticle.journal,
            ReviewArticle.received,
            ReviewArticle.revised,
            ReviewArticle.accepted,
            ReviewArticle.online,
            ReviewArticle.article_type,
            ReviewArticle.flags,
        )
        yield from self.session.execute(stmt)

    def delete_sample(self) -> int:
        n = self.session.execute(delete(ReviewArticle).where(ReviewArticle.is_sample.is_(True)))
        m = self.session.execute(delete(ReviewOfficial).where(ReviewOfficial.is_sample.is_(True)))
        return int(n.rowcount or 0) + int(m.rowcount or 0)  # type: ignore[attr-defined]

    def delete(self, article_id: int) -> bool:
        row = self.session.get(ReviewArticle, article_id)
        if row is None:
            return False
        self.session.delete(row)
        return True

    # --- official figures -------------------------------------------------------------------

    @staticmethod
    def official_key(journal: str) -> str:
        return normalise_issn(journal) if looks_like_issn(journal) else normalise_journal(journal)

    def set_official(self, fig: OfficialFigure, is_sample: bool = False) -> None:
        key = self.official_key(fig.journal)
        row = self.session.scalar(
            select(ReviewOfficial).where(
                ReviewOfficial.journal == key, ReviewOfficial.interval == fig.interval
            )
        )
        if row is None:
            row = ReviewOfficial(journal=key, interval=fig.interval, is_sample=is_sample)
            self.session.add(row)
        elif not is_sample:
            row.is_sample = False  # the user's own figure replaced the sample's
        row.days = fig.days
        row.note = fig.note

    def official(self, journal_keys: Iterable[str]) -> list[OfficialFigure]:
        keys = {self.official_key(k) for k in journal_keys if k}
        if not keys:
            return []
        rows = self.session.scalars(select(ReviewOfficial).where(ReviewOfficial.journal.in_(keys)))
        return [OfficialFigure(r.journal, r.interval, r.days, r.note) for r in rows]

    # --- crawl state ------------------------------------------------------------------------

    def crawl_state(
        self, source: str, journal: str, date_from: str, date_to: str
    ) -> dict[str, Any] | None:
        row = self._crawl(source, journal, date_from, date_to)
        if row is None:
            return None
        return {"cursor": row.cursor, "pages": row.pages, "seen": row.seen, "total": row.total,
                "done": row.done}

    def _crawl(self, source: str, journal: str, date_from: str, date_to: str) -> ReviewCrawl | None:
        return self.session.scalar(
            select(ReviewCrawl).where(
                ReviewCrawl.source == source,
                ReviewCrawl.journal == journal,
                ReviewCrawl.date_from == date_from,
                ReviewCrawl.date_to == date_to,
            )
        )

    def save_crawl(
        self, source: str, journal: str, date_from: str, date_to: str, *, cursor: str,
        pages: int, seen: int, total: int | None, done: bool,
    ) -> None:
        row = self._crawl(source, journal, date_from, date_to)
        if row is None:
            row = ReviewCrawl(source=source, journal=journal, date_from=date_from, date_to=date_to)
            self.session.add(row)
        row.cursor = cursor
        row.pages = pages
        row.seen = seen
        row.total = total
        row.done = done
        row.updated_at = dt.datetime.now()
