"""What ``library push`` / ``library pull`` read and write beyond the areas' own repositories.

Takes a Session, never commits. The dedupe itself is the areas' own (``PapersRepository``'s
keys, ``ReviewsRepository.upsert``'s key); here are only the bulk reads a sync needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from scholardesk.core.errors import InputError, ScholarDeskError
from scholardesk.domain.reviews import ArticleHistory
from scholardesk.store import migrate
from scholardesk.store.db import Database, sqlite_file_of
from scholardesk.store.models.papers import PaperModel
from scholardesk.store.models.reviews import ReviewArticle
from scholardesk.store.reviews_repo import _to_domain

CHUNK = 500


@dataclass(frozen=True)
class UserFields:
    """A paper's reading status, rating and notes as stored."""

    status: str
    rating: int
    notes: str


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def library_url(where: str) -> str:
    """A database URL, or the path of a SQLite library file as its URL."""
    where = where.strip()
    if "://" in where:
        try:
            make_url(where)
        except ArgumentError as exc:
            raise InputError(
                f"{where!r} is not a database URL.",
                "Give a library file (library.sqlite) or a URL such as "
                "postgresql+psycopg://alice@HOST/lab_library.",
            ) from exc
        return where
    return f"sqlite:///{Path(where).expanduser().absolute()}"


def display_url(url: str) -> str:
    """The URL as reports show it (never a password)."""
    file = sqlite_file_of(url)
    return str(file) if file is not None else make_url(url).render_as_string(hide_password=True)


def same_library(a: str, b: str) -> bool:
    file_a, file_b = sqlite_file_of(a), sqlite_file_of(b)
    if file_a is not None and file_b is not None:
        return file_a.resolve() == file_b.resolve()
    return make_url(a) == make_url(b)


def open_other_library(url: str, read_only: bool) -> Database:
    """Another existing library at the current schema, to copy from (``read_only``) or into.

    Nothing is created or upgraded here: a missing file, an empty database or an older schema
    each say which command makes it ready (on a shared server, its owner runs upgrades)."""
    shown = display_url(url)
    safe_url = make_url(url).render_as_string(hide_password=True)
    upgrade_hint = f"Run `scholardesk --db {safe_url} db upgrade` once (on a server: as its owner)."
    file = sqlite_file_of(url)
    if file is not None:
        if not file.is_file():
            raise InputError(f"There is no library at {file}.", upgrade_hint + " It creates one.")
        migrate.precheck_sqlite_file(file)  # not SQLite, damaged, newer: refused untouched
    db = Database(url, read_only=read_only)
    try:
        current = migrate.check_known_revisions(db.engine)
        if not current:
            raise InputError(f"{shown} holds no ScholarDesk library yet.", upgrade_hint)
        if set(current) != set(migrate.head_revisions()):
            raise InputError(
                f"{shown} was written by an older ScholarDesk (its schema needs an upgrade).",
                upgrade_hint,
            )
    except (ScholarDeskError, OSError):
        db.dispose()
        raise
    return db


class LibrarySyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def user_fields(self, ids: Iterable[int]) -> dict[int, UserFields]:
        """Status, rating and notes of the papers ``ids`` (missing ids are left out)."""
        found: dict[int, UserFields] = {}
        P = PaperModel
        for chunk in _chunks(sorted(set(ids))):
            rows = self.session.execute(
                select(P.id, P.status, P.rating, P.notes).where(P.id.in_(chunk))
            )
            for pid, status, rating, notes in rows:
                found[pid] = UserFields(status, rating, notes)
        return found

    def review_article_ids(self, exclude_sources: Iterable[str] = ()) -> list[int]:
        """Ids of the review-time articles that are not sample data, in insertion order,
        without those of the sources ``exclude_sources`` (e.g. the user's own submissions)."""
        A = ReviewArticle
        stmt = select(A.id).where(A.is_sample.is_(False)).order_by(A.id)
        excluded = list(exclude_sources)
        if excluded:
            stmt = stmt.where(A.source.not_in(excluded))
        return list(self.session.scalars(stmt))

    def review_articles(self, ids: Sequence[int]) -> list[ArticleHistory]:
        """The review-time articles ``ids``, in the order given."""
        found: dict[int, ArticleHistory] = {}
        for chunk in _chunks(list(ids)):
            for row in self.session.scalars(select(ReviewArticle).where(ReviewArticle.id.in_(chunk))):
                found[row.id] = _to_domain(row)
        return [found[i] for i in ids if i in found]
