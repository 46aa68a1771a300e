"""Opening, checking and backing up the library database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from scholardesk.core.config import Paths
from scholardesk.core.errors import InputError, from_os_error
from scholardesk.store import migrate
from scholardesk.store.db import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryStatus:
    url: str
    current: tuple[str, ...]
    heads: tuple[str, ...]
    integrity: str

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
        }


def open_library(paths: Paths) -> Database:
    """Validate, back up and upgrade the library, then return it ready to use."""
    _ensure_folders(paths)
    if paths.sqlite_file is not None:
        migrate.check_sqlite_file(paths.sqlite_file)
    db = Database(paths.db_url)
    try:
        migrate.prepare_library(db, paths.sqlite_file, paths.backup_dir)
    except BaseException:
        db.dispose()
        raise
    return db


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
        return LibraryStatus(self.paths.db_url, s.current, s.heads, s.integrity)

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
