"""The papers feed (the arXiv "New" view): entries fetched from the subscriptions, one row per
work (version-less arXiv id); the triage state per work (kept apart so that it outlives the
entry: a work marked "not interested" stays so when a v2 arrives); rules; and a small
key/value table for when the feed last updated and each subscription's cursor.

Entries, subscriptions and the meta table are shared; triage states and rules belong to one
person (``person``, see ``store.people``; migration 0002u)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class FeedEntryModel(Base):
    __tablename__ = "papers_feed_entries"

    work_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text, default="")
    authors_json: Mapped[str] = mapped_column(Text, default="[]")
    categories: Mapped[str] = mapped_column(Text, default="")  # space-separated, primary first
    venue: Mapped[str] = mapped_column(Text, default="")  # arXiv journal_ref
    doi: Mapped[str | None] = mapped_column(String(255))
    comment: Mapped[str] = mapped_column(Text, default="")
    pdf_url: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[str] = mapped_column(String(10), default="", index=True)
    updated: Mapped[str] = mapped_column(String(10), default="")
    subscription: Mapped[str] = mapped_column(Text, default="")
    batch_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


class FeedStateModel(Base):
    __tablename__ = "papers_feed_states"

    work_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(80), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))  # seen | skipped | added | not_interested
    tag: Mapped[str] = mapped_column(String(80), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime)


class FeedRuleModel(Base):
    __tablename__ = "papers_feed_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(20))  # include | exclude | author | category
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint("person", "kind", "value", name="uq_papers_feed_rules_person"),
    )


class FeedMetaModel(Base):
    __tablename__ = "papers_feed_meta"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
