"""Review-time tables: article histories, crawl state, journals' official figures.

The journal's title and ISSNs are stored on each article row (venues are a separate area and
review statistics must not depend on their tables). ``journal_key`` is the normalised title
used to find a journal by name.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class ReviewArticle(Base):
    __tablename__ = "review_articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)  # doi:... | url:... | title:...
    doi: Mapped[str] = mapped_column(String(300), default="", index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    abstract: Mapped[str] = mapped_column(Text, default="")
    journal: Mapped[str] = mapped_column(String(500), default="")
    journal_key: Mapped[str] = mapped_column(String(500), default="", index=True)
    issn: Mapped[str] = mapped_column(String(9), default="", index=True)
    eissn: Mapped[str] = mapped_column(String(9), default="", index=True)
    article_type: Mapped[str] = mapped_column(String(100), default="")
    received: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    revised: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    accepted: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    online: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    revisions: Mapped[str] = mapped_column(Text, default="")  # ISO dates separated by ";"
    flags: Mapped[str] = mapped_column(String(300), default="")  # comma-separated
    source: Mapped[str] = mapped_column(String(20), default="manual")
    source_url: Mapped[str] = mapped_column(Text, default="")
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class ReviewCrawl(Base):
    """Where a collection run stands, so that an interrupted crawl continues where it stopped."""

    __tablename__ = "review_crawls"
    __table_args__ = (UniqueConstraint("source", "journal", "date_from", "date_to"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    journal: Mapped[str] = mapped_column(String(500))
    date_from: Mapped[str] = mapped_column(String(10), default="")
    date_to: Mapped[str] = mapped_column(String(10), default="")
    cursor: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    seen: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReviewOfficial(Base):
    """A journal's own published figure for an interval (e.g. "median 98 days to accept")."""

    __tablename__ = "review_official"
    __table_args__ = (UniqueConstraint("journal", "interval"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journal: Mapped[str] = mapped_column(String(500))  # ISSN or normalised name
    interval: Mapped[str] = mapped_column(String(30))
    days: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
