"""All SQL about the papers feed (``papers_feed_*`` tables), plus the read of the library the
ranking learns from. Takes a Session, never commits."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from scholardesk.domain.papers import PaperRecord
from scholardesk.domain.papers_feed_entries import FeedEntry, FeedRule, LibraryPaper
from scholardesk.store.models.papers import PaperMarkModel, PaperModel, PaperTagModel
from scholardesk.store.models.papers_feed import (
    FeedEntryModel,
    FeedMetaModel,
    FeedRuleModel,
    FeedStateModel,
)
from scholardesk.store.people import person_of

E = FeedEntryModel
S = FeedStateModel
CHUNK = 500


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class UpsertResult:
    new: list[str]  # work keys seen for the first time
    newer_version: list[str]  # works already there whose version went up
    unchanged: int


def _values(record: PaperRecord) -> dict[str, Any]:
    return {
        "version": record.arxiv_version,
        "title": record.title,
        "abstract": record.abstract,
        "authors_json": json.dumps(list(record.authors), ensure_ascii=False),
        "categories": " ".join(record.categories),
        "venue": record.venue,
        "doi": record.doi,
        "comment": str(record.extra.get("note", "")),
        "pdf_url": record.links.get("pdf", ""),
        "published": record.published,
        "updated": record.updated,
    }


class PapersFeedRepository:
    """Entries are shared; triage states, rules and the library the ranking learns from are
    the acting person's (``store.people``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.person = person_of(session)

    # -- entries --------------------------------------------------------------------------------
    def upsert(
        self, items: Sequence[tuple[PaperRecord, str]], now: datetime | None = None
    ) -> UpsertResult:
        """(arXiv record, subscription query) pairs as feed entries, one per work: a work seen
        before keeps its batch time and subscription, and takes a newer version's text."""
        now = now or _now()
        by_key: dict[str, tuple[PaperRecord, str]] = {}
        for record, sub in items:
            key = record.arxiv_id
            if not key:
                continue
            seen = by_key.get(key)
            if seen is None or (record.arxiv_version or 0) > (seen[0].arxiv_version or 0):
                by_key[key] = (record, seen[1] if seen else sub)
        keys = sorted(by_key)
        stored: dict[str, int | None] = {}
        for chunk in _chunks(keys):
            stored.update((k, v) for k, v in self.session.execute(
                select(E.work_key, E.version).where(E.work_key.in_(chunk))).all())
        new: list[dict[str, Any]] = []
        newer: list[str] = []
        touched: list[str] = []
        for key in keys:
            record, sub = by_key[key]
            if key not in stored:
                new.append({"work_key": key, **_values(record), "subscription": sub,
                            "batch_at": now, "fetched_at": now})
            elif (record.arxiv_version or 0) > (stored[key] or 0):
                self.session.execute(
                    update(E).where(E.work_key == key).values(**_values(record), fetched_at=now))
                newer.append(key)
            else:
                touched.append(key)
        if new:
            self.session.execute(insert(E), new)
        for chunk in _chunks(touched):
            self.session.execute(update(E).where(E.work_key.in_(chunk)).values(fetched_at=now))
        return UpsertResult([v["work_key"] for v in new], newer, len(touched))

    def entries(
        self, since: datetime | None = None, keys: Iterable[str] | None = None
    ) -> list[FeedEntry]:
        """Entries with their triage state, newest batch first (then newest submission)."""
        query = (
            select(E, S.state, S.tag)
            .join(S, and_(S.work_key == E.work_key, S.person == self.person), isouter=True)
            .order_by(E.batch_at.desc(), E.published.desc(), E.work_key.desc())
        )
        if since is not None:
            query = query.where(E.batch_at >= since)
        if keys is not None:
            wanted = sorted(set(keys))
            out: list[FeedEntry] = []
            for chunk in _chunks(wanted):
                out.extend(self._entry(e, st, tag) for e, st, tag in
                           self.session.execute(query.where(E.work_key.in_(chunk))).all())
            out.sort(key=lambda x: (x.batch_at or datetime.min, x.published, x.work_key),
                     reverse=True)
            return out
        return [self._entry(e, st, tag) for e, st, tag in self.session.execute(query).all()]

    def entry(self, work_key: str) -> FeedEntry | None:
        got = self.entries(keys=[work_key])
        return got[0] if got else None

    @staticmethod
    def _entry(e: FeedEntryModel, state: str | None, tag: str | None) -> FeedEntry:
        return FeedEntry(
            work_key=e.work_key,
            version=e.version,
            title=e.title,
            abstract=e.abstract,
            authors=tuple(json.loads(e.authors_json or "[]")),
            categories=tuple(e.categories.split()),
            venue=e.venue,
            doi=e.doi,
            comment=e.comment,
            pdf_url=e.pdf_url,
            published=e.published,
            updated=e.updated,
            subscription=e.subscription,
            batch_at=e.batch_at,
            fetched_at=e.fetched_at,
            state=state or "",
            state_tag=tag or "",
        )

    def counts(self) -> tuple[int, int]:
        """(entries, entries not looked at yet)."""
        total = self.session.scalar(select(func.count()).select_from(E)) or 0
        unseen = self.session.scalar(
            select(func.count()).select_from(E)
            .join(S, and_(S.work_key == E.work_key, S.person == self.person), isouter=True)
            .where(S.state.is_(None))
        ) or 0
        return int(total), int(unseen)

    # -- triage states --------------------------------------------------------------------------
    def set_state(self, keys: Sequence[str], state: str, tag: str = "") -> None:
        now = _now()
        wanted = sorted(set(keys))
        for chunk in _chunks(wanted):
            self.session.execute(delete(S).where(S.work_key.in_(chunk), S.person == self.person))
        if wanted:
            self.session.execute(insert(S), [
                {"work_key": k, "person": self.person, "state": state, "tag": tag,
                 "changed_at": now} for k in wanted])

    def mark_seen(self, keys: Sequence[str]) -> int:
        """``seen`` for those of ``keys`` not triaged yet (a skip or a like is kept)."""
        wanted = sorted(set(keys))
        have: set[str] = set()
        for chunk in _chunks(wanted):
            have.update(self.session.scalars(select(S.work_key).where(
                S.work_key.in_(chunk), S.person == self.person)))
        fresh = [k for k in wanted if k not in have]
        self.set_state(fresh, "seen")
        return len(fresh)

    def states(self, state: str | None = None) -> dict[str, str]:
        query = select(S.work_key, S.state).where(S.person == self.person)
        if state is not None:
            query = query.where(S.state == state)
        return {k: v for k, v in self.session.execute(query).all()}

    # -- rules ----------------------------------------------------------------------------------
    def rules(self) -> list[FeedRule]:
        return [
            FeedRule(kind, value)
            for kind, value in self.session.execute(
                select(FeedRuleModel.kind, FeedRuleModel.value)
                .where(FeedRuleModel.person == self.person).order_by(FeedRuleModel.id)
            ).all()
        ]

    def add_rule(self, kind: str, value: str) -> bool:
        exists = self.session.scalar(select(FeedRuleModel.id).where(
            FeedRuleModel.person == self.person, FeedRuleModel.kind == kind,
            FeedRuleModel.value == value))
        if exists:
            return False
        self.session.add(FeedRuleModel(person=self.person, kind=kind, value=value,
                                       created_at=_now()))
        self.session.flush()
        return True

    def remove_rule(self, kind: str, value: str) -> bool:
        result = self.session.execute(delete(FeedRuleModel).where(
            FeedRuleModel.person == self.person, FeedRuleModel.kind == kind,
            FeedRuleModel.value == value))
        return bool(getattr(result, "rowcount", 0))

    # -- status and cursors ---------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return {k: v for k, v in self.session.execute(
            select(FeedMetaModel.key, FeedMetaModel.value)).all()}

    def set_meta(self, values: dict[str, str]) -> None:
        keys = sorted(values)
        if not keys:
            return
        self.session.execute(delete(FeedMetaModel).where(FeedMetaModel.key.in_(keys)))
        self.session.execute(insert(FeedMetaModel), [{"key": k, "value": values[k]} for k in keys])

    # -- the library the ranking learns from ----------------------------------------------------
    def library(self) -> list[LibraryPaper]:
        """Every library paper (sample papers left out) with the acting person's tags, rating
        and status (what they liked is what the ranking learns)."""
        tags: dict[int, list[str]] = {}
        for pid, tag in self.session.execute(
            select(PaperTagModel.paper_id, PaperTagModel.tag)
            .where(PaperTagModel.person == self.person).order_by(PaperTagModel.tag)
        ).all():
            tags.setdefault(pid, []).append(tag)
        P = PaperModel  # noqa: N806
        M = PaperMarkModel  # noqa: N806
        rows = self.session.execute(
            select(P.id, P.title, P.abstract, P.authors_json, P.categories, M.rating, M.status,
                   P.arxiv_id)
            .join(M, and_(M.paper_id == P.id, M.person == self.person), isouter=True)
            .where(P.is_sample.is_(False)).order_by(P.id)
        ).all()
        return [
            LibraryPaper(
                paper_id=pid, title=title, abstract=abstract or "",
                authors=tuple(json.loads(authors or "[]")), categories=tuple(cats.split()),
                tags=tuple(tags.get(pid, ())), rating=rating or 0, status=status or "unread",
                arxiv_id=arxiv_id,
            )
            for pid, title, abstract, authors, cats, rating, status, arxiv_id in rows
        ]

    def library_arxiv_ids(self, keys: Sequence[str]) -> dict[str, int]:
        """work key → library paper id, for those of ``keys`` already in the library."""
        out: dict[str, int] = {}
        wanted = sorted(set(keys))
        for chunk in _chunks(wanted):
            out.update((a, pid) for pid, a in self.session.execute(
                select(PaperModel.id, PaperModel.arxiv_id).where(PaperModel.arxiv_id.in_(chunk))
            ).all() if a)
        return out
