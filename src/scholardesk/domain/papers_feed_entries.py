"""What the papers feed (the arXiv "New" view) keeps: entries fetched from the subscriptions,
the user's triage state per work, rules, and when it last updated.

A *work* is an arXiv paper whatever its version: ``2401.01234v1`` and ``v2`` are one work (key
``2401.01234``), and a paper cross-listed into two subscribed categories is one work too, so
it is shown once across days, versions and cross-lists. The ranking itself lives in
``domain/papers_feed.py`` (rules) and ``analysis/papers_feed_ranking.py`` (the model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Triage states of a work: "" = not looked at yet.
SEEN = "seen"
SKIPPED = "skipped"
ADDED = "added"
NOT_INTERESTED = "not_interested"
FEED_STATES = (SEEN, SKIPPED, ADDED, NOT_INTERESTED)

# Rule kinds, in the order they are shown.
INCLUDE = "include"
EXCLUDE = "exclude"
FOLLOW_AUTHOR = "author"
MUTE_CATEGORY = "category"
RULE_KINDS = (INCLUDE, EXCLUDE, FOLLOW_AUTHOR, MUTE_CATEGORY)


@dataclass(frozen=True)
class FeedEntry:
    """The latest version of one work that a subscription brought."""

    work_key: str  # version-less arXiv id
    version: int | None
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # primary category first
    venue: str = ""  # arXiv's journal_ref, when there is one
    doi: str | None = None
    comment: str = ""
    pdf_url: str = ""
    published: str = ""  # ISO date of the first version
    updated: str = ""  # ISO date of the latest version
    subscription: str = ""  # the subscription that first brought it (its query)
    batch_at: datetime | None = None  # the update that first brought it
    fetched_at: datetime | None = None  # the last update that saw it
    state: str = ""
    state_tag: str = ""  # the tag it was added to the library with

    @property
    def arxiv_id(self) -> str:
        """The id with its latest version (``2401.01234v2``)."""
        return f"{self.work_key}v{self.version}" if self.version else self.work_key


@dataclass(frozen=True)
class FeedRule:
    kind: str  # one of RULE_KINDS
    value: str


@dataclass(frozen=True)
class FeedStatus:
    """When the feed last updated, and why the last try failed (if it did)."""

    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str = ""  # empty when the last try succeeded
    last_new: int = 0  # works the last successful update brought
    last_malformed: int = 0  # entries arXiv sent that could not be read, last update
    entries: int = 0
    unseen: int = 0
    per_subscription: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LibraryPaper:
    """What the ranking learns from in the library: text, tags and what the user did with it."""

    paper_id: int
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    rating: int = 0
    status: str = "unread"
    arxiv_id: str | None = None
