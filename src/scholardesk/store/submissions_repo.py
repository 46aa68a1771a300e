"""All SQL of the submissions area. Takes a Session, returns domain dataclasses, never commits.

Submissions are the acting person's (``store.people``): another member's manuscripts are not
found, listed, changed or deleted through this repository."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scholardesk.domain.submissions import (
    DEFAULT_STUCK_DAYS,
    Stage,
    Submission,
    SubmissionEvent,
)
from scholardesk.store.library_repo import LibraryMetaRepository
from scholardesk.store.models.submissions import SubmissionEventRow, SubmissionRow
from scholardesk.store.people import person_of

THRESHOLDS_KEY = "submissions.stuck_days"


@dataclass(frozen=True)
class NewSubmission:
    title: str
    venue: str
    manuscript_id: str = ""
    system: str = ""
    role: str = ""
    paper_id: int | None = None
    previous_id: int | None = None
    notes: str = ""
    is_sample: bool = False


def _stage(value: str) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        return Stage.OTHER


def _time(text: str) -> dt.time | None:
    return dt.time.fromisoformat(text) if text else None


def _event(row: SubmissionEventRow) -> SubmissionEvent:
    return SubmissionEvent(
        date=row.date,
        raw=row.raw,
        stage=_stage(row.stage),
        time=_time(row.time),
        precision=row.precision,
        id=row.id,
        line=row.source_line,
    )


def _submission(row: SubmissionRow, events: Sequence[SubmissionEvent]) -> Submission:
    return Submission(
        id=row.id,
        title=row.title,
        venue=row.venue,
        manuscript_id=row.manuscript_id,
        system=row.system,
        role=row.role,
        paper_id=row.paper_id,
        previous_id=row.previous_id,
        notes=row.notes,
        is_sample=row.is_sample,
        events=tuple(events),
    )


class SubmissionsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.owner = person_of(session)

    def _mine(self, submission_id: int) -> SubmissionRow | None:
        row = self.session.get(SubmissionRow, submission_id)
        return row if row is not None and row.owner == self.owner else None

    def _my_ids(self, ids: Iterable[int]) -> list[int]:
        wanted = list(ids)
        if not wanted:
            return []
        return list(self.session.scalars(select(SubmissionRow.id).where(
            SubmissionRow.id.in_(wanted), SubmissionRow.owner == self.owner)))

    # --- submissions -------------------------------------------------------------------

    def add(self, new: NewSubmission, now: dt.datetime) -> int:
        row = SubmissionRow(
            title=new.title,
            venue=new.venue,
            manuscript_id=new.manuscript_id,
            system=new.system,
            role=new.role,
            paper_id=new.paper_id,
            previous_id=new.previous_id,
            notes=new.notes,
            owner=self.owner,
            created_at=now,
            updated_at=now,
            is_sample=new.is_sample,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def exists(self, submission_id: int) -> bool:
        return self._mine(submission_id) is not None

    def find(
        self, venue: str, title: str, previous_id: int | None | object = ...
    ) -> int | None:
        """The submission with this venue and title (case-insensitive), the newest first;
        when ``previous_id`` is given, only one that follows that submission in a chain
        (the same journal can appear twice in one manuscript's journey)."""
        query = (
            select(SubmissionRow.id)
            .where(SubmissionRow.owner == self.owner)
            .where(func.lower(SubmissionRow.venue) == venue.strip().lower())
            .where(func.lower(SubmissionRow.title) == title.strip().lower())
        )
        if previous_id is not ...:
            query = query.where(SubmissionRow.previous_id.is_(None) if previous_id is None
                                else SubmissionRow.previous_id == previous_id)
        return self.session.scalar(query.order_by(SubmissionRow.id.desc()).limit(1))

    def get(self, submission_id: int) -> Submission | None:
        row = self._mine(submission_id)
        if row is None:
            return None
        return _submission(row, self.events(submission_id))

    def all(self) -> list[Submission]:
        rows = list(self.session.scalars(
            select(SubmissionRow).where(SubmissionRow.owner == self.owner)
            .order_by(SubmissionRow.id)))
        by_sub: dict[int, list[SubmissionEvent]] = {r.id: [] for r in rows}
        for ev in self.session.scalars(
            select(SubmissionEventRow)
            .join(SubmissionRow, SubmissionRow.id == SubmissionEventRow.submission_id)
            .where(SubmissionRow.owner == self.owner)
            .order_by(
                SubmissionEventRow.submission_id, SubmissionEventRow.position
            )
        ):
            by_sub.setdefault(ev.submission_id, []).append(_event(ev))
        return [_submission(r, by_sub[r.id]) for r in rows]

    def update(self, submission_id: int, now: dt.datetime, **fields: object) -> None:
        row = self._mine(submission_id)
        if row is None:
            return
        for name, value in fields.items():
            if not hasattr(SubmissionRow, name) or name in ("id", "created_at", "owner"):
                raise ValueError(f"unknown submission field {name!r}")
            setattr(row, name, value)
        row.updated_at = now
        if "is_sample" not in fields:
            row.is_sample = False  # edited by the user: kept by "delete sample data"

    def adopt(self, submission_id: int) -> None:
        """A user action touched this submission: it is the user's now (no sample mark)."""
        row = self._mine(submission_id)
        if row is not None and row.is_sample:
            row.is_sample = False

    def delete(self, submission_ids: Iterable[int]) -> int:
        ids = self._my_ids(submission_ids)
        if not ids:
            return 0
        self.session.execute(
            delete(SubmissionEventRow).where(SubmissionEventRow.submission_id.in_(ids))
        )
        # unlink chains first (SQLite applies ON DELETE SET NULL only with foreign keys on)
        for row in self.session.scalars(
            select(SubmissionRow).where(SubmissionRow.previous_id.in_(ids))
        ):
            row.previous_id = None
        self.session.flush()
        result = self.session.execute(delete(SubmissionRow).where(SubmissionRow.id.in_(ids)))
        return int(getattr(result, "rowcount", 0) or 0)

    def sample_ids(self) -> list[int]:
        return list(self.session.scalars(select(SubmissionRow.id).where(
            SubmissionRow.is_sample, SubmissionRow.owner == self.owner)))

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(SubmissionRow).where(
            SubmissionRow.owner == self.owner)) or 0)

    # --- events ------------------------------------------------------------------------

    def events(self, submission_id: int) -> list[SubmissionEvent]:
        if self._mine(submission_id) is None:
            return []
        return [
            _event(r)
            for r in self.session.scalars(
                select(SubmissionEventRow)
                .where(SubmissionEventRow.submission_id == submission_id)
                .order_by(SubmissionEventRow.position)
            )
        ]

    def add_event(self, submission_id: int, event: SubmissionEvent, adopt: bool = True) -> int:
        """Append an event; ``adopt`` (a user action, the default) clears the sample mark."""
        if self._mine(submission_id) is None:
            raise LookupError(f"no submission {submission_id} of this person")
        if adopt:
            self.adopt(submission_id)
        position = self.session.scalar(
            select(func.coalesce(func.max(SubmissionEventRow.position), 0)).where(
                SubmissionEventRow.submission_id == submission_id
            )
        )
        row = SubmissionEventRow(
            submission_id=submission_id,
            position=int(position or 0) + 1,
            date=event.date,
            time=event.time.isoformat() if event.time else "",
            precision=event.precision,
            raw=event.raw,
            stage=str(event.stage),
            source_line=event.line,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def has_event(self, submission_id: int, date: dt.date, raw: str) -> bool:
        return (
            self.session.scalar(
                select(SubmissionEventRow.id)
                .where(SubmissionEventRow.submission_id == submission_id)
                .where(SubmissionEventRow.date == date)
                .where(SubmissionEventRow.raw == raw)
                .limit(1)
            )
            is not None
        )

    def delete_event(self, event_id: int) -> bool:
        row = self.session.get(SubmissionEventRow, event_id)
        if row is None or self._mine(row.submission_id) is None:
            return False
        self.session.delete(row)
        return True

    # --- stuck thresholds (library-wide settings) ---------------------------------------

    def thresholds(self) -> dict[Stage, int]:
        raw = LibraryMetaRepository(self.session).get(THRESHOLDS_KEY)
        if not raw:
            return dict(DEFAULT_STUCK_DAYS)
        try:
            data = json.loads(raw)
        except ValueError:
            return dict(DEFAULT_STUCK_DAYS)
        result: dict[Stage, int] = {}
        for key, value in data.items():
            try:
                result[Stage(key)] = int(value)
            except (ValueError, TypeError):
                continue
        return result

    def set_thresholds(self, thresholds: dict[Stage, int]) -> None:
        data = {str(k): int(v) for k, v in thresholds.items()}
        LibraryMetaRepository(self.session).set(THRESHOLDS_KEY, json.dumps(data))
