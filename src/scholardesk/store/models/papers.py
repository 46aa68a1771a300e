"""Papers, each person's marks and tags on them, where each came from (provenance), and arXiv
subscriptions.

Papers are shared by everyone using the library; reading status, rating, notes and tags belong
to one person (``paper_marks``, ``paper_tags``: the ``person`` column, see ``store.people``;
migration 0002u). A paper nobody marked has no ``paper_marks`` row: "unread", 0 stars, no notes.

Full-text search lives in ``papers_fts``, an FTS5 external-content table (trigram tokenizer,
so Chinese substrings match) over titles, and ``papers_words_fts`` (words) over
title, authors, venue, abstract and categories (contentless since migration 0002s: the text is
only in ``papers``). ``papers_fts`` is kept in sync by UPDATE/DELETE triggers and, for new rows,
by ``PapersRepository`` (migration 0002a); ``papers_words_fts`` by ``PapersRepository`` alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class PaperModel(Base):
    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    authors_json: Mapped[str] = mapped_column(Text, default="[]")
    authors_text: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    abstract: Mapped[str] = mapped_column(Text, default="")
    doi: Mapped[str | None] = mapped_column(String(255), index=True)
    arxiv_id: Mapped[str | None] = mapped_column(String(64), index=True)
    arxiv_version: Mapped[int | None] = mapped_column(Integer)
    title_key: Mapped[str | None] = mapped_column(Text, index=True)
    categories: Mapped[str] = mapped_column(Text, default="")  # " cs.CL cs.SD " (padded)
    venue: Mapped[str] = mapped_column(Text, default="", index=True)
    entry_type: Mapped[str] = mapped_column(String(40), default="article")
    bibtex_key: Mapped[str] = mapped_column(String(255), default="")
    published: Mapped[str] = mapped_column(String(10), default="")
    updated: Mapped[str] = mapped_column(String(10), default="")
    links_json: Mapped[str] = mapped_column(Text, default="{}")
    extra_json: Mapped[str] = mapped_column(Text, default="{}")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(DateTime)
    modified_at: Mapped[datetime] = mapped_column(DateTime)


# The Papers table's sort orders as index walks (migration 0002s): a window at row 900,000 is
# an OFFSET over one of these, never a sort of the whole library.
Index("ix_papers_sort_added", PaperModel.id)
Index("ix_papers_sort_title", func.lower(PaperModel.title))
Index("ix_papers_sort_authors", func.lower(PaperModel.authors_text))
Index("ix_papers_sort_venue", func.lower(PaperModel.venue))


class PaperMarkModel(Base):
    """One person's reading status, rating and notes on one paper (no row: the defaults)."""

    __tablename__ = "paper_marks"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="unread")
    rating: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    modified_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        # a person's papers by status / by rating: filters and the sorted table's segments
        Index("ix_paper_marks_person_status", "person", "status", "paper_id"),
        Index("ix_paper_marks_person_rating", "person", "rating", "paper_id"),
    )


class PaperTagModel(Base):
    """One person's tag on one paper."""

    __tablename__ = "paper_tags"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String(80), primary_key=True)
    tag: Mapped[str] = mapped_column(String(80), primary_key=True)

    __table_args__ = (Index("ix_paper_tags_person_tag", "person", "tag"),)


class PaperSourceModel(Base):
    """One row per import source of a paper: the provenance the merge keeps."""

    __tablename__ = "paper_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    source_kind: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(Text)
    record_ref: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint(
            "paper_id", "source_kind", "source_ref", "record_ref", name="uq_paper_sources_origin"
        ),
    )


class PaperSubscriptionModel(Base):
    """An arXiv category or saved query whose new papers ``fetch-new`` brings in."""

    __tablename__ = "paper_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "category" | "query"
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Newest arXiv "published" date seen; the next fetch stops at papers older than this.
    last_published: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (UniqueConstraint("kind", "query", name="uq_paper_subscriptions_kind"),)
