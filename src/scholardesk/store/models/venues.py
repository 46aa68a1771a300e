"""Venues: journals and conferences, CCF ranks, aliases, metrics by year and source,
conference editions and their deadlines (stored in UTC with the original timezone)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scholardesk.store.models.base import Base


class VenueRow(Base):
    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("kind", "name_key", name="uq_venues_kind_name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    abbr: Mapped[str] = mapped_column(String(80), default="", index=True)
    name: Mapped[str] = mapped_column(String(400))
    name_key: Mapped[str] = mapped_column(String(400))
    publisher: Mapped[str] = mapped_column(String(200), default="")
    dblp_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    dblp_url: Mapped[str] = mapped_column(String(400), default="")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    issn: Mapped[str] = mapped_column(String(9), default="", server_default="", index=True)
    eissn: Mapped[str] = mapped_column(String(9), default="", server_default="", index=True)

    ranks: Mapped[list[CcfRankRow]] = relationship(
        back_populates="venue", cascade="all, delete-orphan", passive_deletes=True
    )


class CcfRankRow(Base):
    __tablename__ = "ccf_ranks"
    # a venue can be listed in two categories (TOMM: networks and multimedia)
    __table_args__ = (
        UniqueConstraint("venue_id", "edition", "category", name="uq_ccf_ranks_venue_edition"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    edition: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(4))
    rank: Mapped[str] = mapped_column(String(2))
    note: Mapped[str] = mapped_column(String(40), default="")

    venue: Mapped[VenueRow] = relationship(back_populates="ranks")


class VenueAliasRow(Base):
    __tablename__ = "venue_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(400))
    alias_key: Mapped[str] = mapped_column(String(400), unique=True)
    source: Mapped[str] = mapped_column(String(40), default="user")


class VenueMetricRow(Base):
    __tablename__ = "venue_metrics"
    __table_args__ = (
        UniqueConstraint(
            "venue_id", "year", "source", "metric", name="uq_venue_metrics_venue_year_source"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(120))
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(120))
    number: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class ConferenceEditionRow(Base):
    __tablename__ = "conference_editions"
    # an edition is its venue and year (and the data's id when two share a year): one file
    # may use one id for every year (ica3pp)
    __table_args__ = (
        UniqueConstraint(
            "venue_id", "year", "edition_id", name="uq_conference_editions_venue_year_edition"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    edition_id: Mapped[str] = mapped_column(String(80))
    link: Mapped[str] = mapped_column(String(500), default="")
    date_text: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(20), default="")

    deadlines: Mapped[list[DeadlineRowModel]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class DeadlineRowModel(Base):
    __tablename__ = "conference_deadlines"
    __table_args__ = (
        UniqueConstraint("edition_id", "kind", "seq", name="uq_conference_deadlines_edition_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("conference_editions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    deadline_utc: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    local_text: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")


class VenueListFileRow(Base):
    """A rank-list file imported (CCF, JCR, CAS, warning list ...): its content hash, so an
    unchanged file is not imported again, and the report of its last import."""

    __tablename__ = "venue_list_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    list_kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    report: Mapped[str] = mapped_column(Text, default="")
