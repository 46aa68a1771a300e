"""The user's manuscripts (one row per manuscript and venue) and their status events.

``previous_id`` links a submission to the venue the manuscript came from, so a journey across
venues is a chain. ``paper_id`` optionally names a paper of the library; it deliberately has no
foreign key so that this area's migration does not depend on the papers area.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class SubmissionRow(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), index=True)
    manuscript_id: Mapped[str] = mapped_column(String(100), default="")
    system: Mapped[str] = mapped_column(String(60), default="")
    role: Mapped[str] = mapped_column(String(60), default="")
    paper_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # whose manuscript it is (``store.people``; migration 0005p): each person sees their own
    owner: Mapped[str] = mapped_column(String(80), default="", index=True)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class SubmissionEventRow(Base):
    __tablename__ = "submission_events"
    __table_args__ = (
        UniqueConstraint("submission_id", "position", name="uq_submission_events_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # the order the user gave (never re-sorted)
    date: Mapped[date] = mapped_column(Date)
    time: Mapped[str] = mapped_column(String(8), default="")  # "HH:MM[:SS]" or ""
    precision: Mapped[str] = mapped_column(String(5), default="day")
    raw: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(40))
    source_line: Mapped[int | None] = mapped_column(Integer, nullable=True)
