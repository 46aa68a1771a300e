"""Where each preprint was published: the resolver's latest answer per paper (a proposal to
review, or "not published (yet)" with the date it was checked), so a run can resume and a
second run changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class PaperResolutionModel(Base):
    __tablename__ = "paper_resolutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(12), index=True)  # published|not_found|ambiguous|skipped
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending|applied|dismissed
    venue: Mapped[str] = mapped_column(Text, default="")
    venue_id: Mapped[int | None] = mapped_column(Integer)  # the catalogue venue it names
    kind: Mapped[str] = mapped_column(String(12), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    doi: Mapped[str | None] = mapped_column(String(255))
    pages: Mapped[str] = mapped_column(String(60), default="")
    volume: Mapped[str] = mapped_column(String(60), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    sources_json: Mapped[str] = mapped_column(Text, default="[]")
    fields_json: Mapped[str] = mapped_column(Text, default="{}")
    rejected_json: Mapped[str] = mapped_column(Text, default="[]")
    notes_json: Mapped[str] = mapped_column(Text, default="[]")
    requests: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime] = mapped_column(DateTime)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)
