"""Opening, checking and backing up the library database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from scholardesk.core.config import Paths
from scholardesk.core.errors import InputError, from_os_error
from scholardesk.domain.people import PersonCounts
from scholardesk.store import migrate
from scholardesk.store.db import Database
from scholardesk.store.people import clean_person_name
from scholardesk.store.people_repo import PeopleRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryStatus:
    url: str
    current: tuple[str, ...]
    heads: tuple[str, ...]
    integrity: str
    # who is acting (``store.people``): "" in a personal library; where the name comes from:
    # "settings" (Settings ``library_person``), "role" (the database role) or "personal"
    person: str = ""
    person_source: str = "personal"

    @property
    def up_to_date(self) -> bool:
        return set(self.current) == set(self.heads)

    def to_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "revision": list(self.current),
            "head": list(self.heads),
            "up_to_date": self.up_to_date,
            "integrity": self.integrity,
            "person": self.person,
            "person_source": self.person_source,
        }


def open_library(paths: Paths, person: str = "") -> Database:
    """Validate, back up and upgrade the library, then return it ready to use. ``person``:
    the name this member goes by in a shared library (Settings ``library_person``)."""
    _ensure_folders(paths)
    if paths.sqlite_file is not None:
        migrate.check_sqlite_file(paths.sqlite_file)
    db = Database(paths.db_url, person=person)
    try:
        migrate.prepare_library(db, paths.sqlite_file, paths.backup_dir)
        db.person  # noqa: B018  (who is acting: a name that is another member's role is refused now)
    except BaseException:
        db.dispose()
        raise
    return db


def person_source(db: Database) -> str:
    """Where ``db.person`` comes from: "personal" (a SQLite library has one person),
    "settings" (the name set in Settings) or "role" (the database role)."""
    if db.is_sqlite:
        return "personal"
    return "settings" if clean_person_name(db.person_name) else "role"


def _ensure_folders(paths: Paths) -> None:
    """Create the data folders; an existing library in a folder we cannot write is still
    opened (for reading: a write then says the folder is read-only)."""
    try:
        paths.ensure()
    except OSError as exc:
        if paths.sqlite_file is not None and paths.sqlite_file.exists():
            logger.info("cannot create %s (%s); the library is opened as it is",
                        exc.filename, exc.strerror)
            return
        raise from_os_error(exc) from exc


class LibraryService:
    def __init__(self, db: Database, paths: Paths) -> None:
        self.db = db
        self.paths = paths

    def status(self) -> LibraryStatus:
        s = migrate.schema_status(self.db)
        return LibraryStatus(self.paths.db_url, s.current, s.heads, s.integrity,
                             self.db.person, person_source(self.db))

    def people(self) -> list[PersonCounts]:
        """Everyone who keeps anything in this library (and the acting person), with counts."""
        with self.db.reading() as session:
            return PeopleRepository(session).counts()

    def upgrade(self) -> LibraryStatus:
        migrate.prepare_library(self.db, self.paths.sqlite_file, self.paths.backup_dir)
        return self.status()

    def backup(self, target_dir: Path | None = None) -> Path:
        if self.paths.sqlite_file is None:
            raise InputError(
                "Only SQLite libraries can be backed up from ScholarDesk.",
                "Use your database server's own backup tool (e.g. pg_dump).",
            )
        return migrate.backup_sqlite(self.paths.sqlite_file, target_dir or self.paths.backup_dir)
