"""The engine and the unit of work.

Services open one transaction per user action with ``db.transaction()``; repositories take the
Session it yields and never commit. SQLite gets WAL, foreign keys and a busy timeout.

Several writers share one library (the window and any number of CLI commands):

- ``transaction()`` starts with ``BEGIN IMMEDIATE``: the write lock is taken before the first
  read, so what a writer reads (existing ids, dedupe keys) is still true when it writes, and a
  second writer waits at the door instead of failing half-way with SQLITE_BUSY (a deferred
  transaction that reads, then writes, cannot wait: SQLite refuses its upgrade at once).
- Waiting is SQLite's busy timeout, retried with backoff up to ``lock_wait_s`` in all, here, at
  the transaction boundary and nowhere else. Then ``LibraryBusyError``.
- Reading sessions (``reading()``) take a plain deferred ``BEGIN``: one consistent snapshot
  that never blocks a writer (WAL).

Errors of the database are translated in one place (``_translate_error``): a full disk, a
read-only folder, a lock held too long become ``LibraryError`` subclasses with one line a user
can act on. The engine hides SQL parameters, so no message can dump 20 KB of them.

A library whose folder (or file) this process cannot write is opened read-only: SQLite cannot
read a WAL library from a read-only folder unless it may treat the file as immutable, which it
is for us. Reading works; a write says "the library folder is read-only".
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from scholardesk.core.errors import (
    DiskFullError,
    LibraryBusyError,
    LibraryReadOnlyError,
)

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000  # SQLite's own wait for a lock, per attempt
LOCK_WAIT_S = 120.0  # a writer's whole wait for another writer before it gives up
_WRITE = "scholardesk_write"  # execution option: this connection's transactions write
SERVER_WRITE_LOCK = 0x5C401A2D  # PostgreSQL advisory lock key: the library's write lock


def sqlite_file_of(url: str) -> Path | None:
    """The database file of a SQLite file URL (None for memory databases and servers)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def cannot_write(path: Path) -> bool:
    """Whether this process may not write the library at ``path`` (its folder or the file).

    ``os.access`` asks the kernel with the real ids: a read-only mount says no even to root.
    A folder that does not exist yet is writable when the nearest one above it that exists is
    (the library creates it)."""
    folder = path.parent
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    if not os.access(folder, os.W_OK):
        return True
    return path.exists() and not os.access(path, os.W_OK)


def _is_busy(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(exc)


def _is_full(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name == "SQLITE_FULL" or "database or disk is full" in str(exc)


def _is_read_only(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith("SQLITE_READONLY") or "readonly database" in str(exc)


def connect_read_only(path: Path, timeout_s: float = BUSY_TIMEOUT_MS / 1000) -> sqlite3.Connection:
    """A read-only DB-API connection to a SQLite file that never writes beside it.

    In a folder we may write, ``mode=ro`` (SQLite may still create the -shm file it shares with
    writers). In one we may not, a WAL library without its -shm file can only be read as
    immutable (SQLite's rule since 3.22); with the -shm there, plain ``mode=ro`` works."""
    quoted = urllib.parse.quote(str(path.absolute()))
    shm = path.with_name(path.name + "-shm")
    immutable = not os.access(path.parent, os.W_OK) and not shm.exists()
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    return sqlite3.connect(f"file:{quoted}?{flags}", uri=True, check_same_thread=False,
                           timeout=timeout_s)


def library_error(exc: BaseException, sqlite_file: Path | None, url: str = "") -> Exception | None:
    """Our error for a database error a user can act on (full disk, read-only library, lock
    held too long), or None for the others. Raw DB-API loops translate with this too."""
    where = str(sqlite_file) if sqlite_file is not None else url
    if _is_full(exc):
        return DiskFullError(
            f"the disk is full: {where}",
            "(free some space and run the command again; the unfinished step was not saved)",
        )
    if _is_read_only(exc):
        if sqlite_file is not None and not os.access(sqlite_file.parent, os.W_OK):
            message = f"the library folder is read-only: {sqlite_file.parent}"
        else:
            message = f"the library is read-only: {where}"
        return LibraryReadOnlyError(
            message, "(reading works; to change the library, make it writable or copy it elsewhere)"
        )
    if _is_busy(exc):
        return LibraryBusyError(
            f"the library is busy: another ScholarDesk command or window is writing to {where}",
            "(run the command again when it has finished)",
        )
    return None


class Database:
    """One library database: engine plus session factories (reading and writing)."""

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        lock_wait_s: float = LOCK_WAIT_S,
        read_only: bool = False,
        person: str = "",
    ) -> None:
        """``read_only``: open it for reading only, whatever the permissions (a library
        another one is copied from: SQLite ``mode=ro``, PostgreSQL read-only transactions).
        ``person``: the name this member goes by in a shared library (Settings); "" = the
        database role. A personal SQLite library has one person whatever it says
        (``store.people``)."""
        self.url = url
        self.person_name = person  # as Settings says; ``person`` is who is acting here
        self._person: str | None = None  # resolved on first use (a server is asked)
        self.busy_timeout_ms = busy_timeout_ms
        self.lock_wait_s = lock_wait_s
        self.sqlite_file = sqlite_file_of(url)
        self.read_only = read_only or (
            self.sqlite_file is not None and cannot_write(self.sqlite_file))
        if self.read_only and self.sqlite_file is not None and not self.sqlite_file.exists():
            raise LibraryReadOnlyError(
                f"the library folder is read-only: {self.sqlite_file.parent}",
                "Choose a library location you can write to.",
            )
        if self.read_only:
            logger.info("the library folder is read-only: %s; opened for reading only",
                           self.sqlite_file.parent if self.sqlite_file else url)
        elif self.sqlite_file is not None and not self.sqlite_file.parent.exists():
            # `--db sqlite:////new/folder/library.sqlite db upgrade` makes the library there
            self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        self.engine = self._make_engine()
        self.write_engine = self.engine.execution_options(**{_WRITE: True})
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.write_session_factory = sessionmaker(self.write_engine, expire_on_commit=False)

    # -- engine ---------------------------------------------------------------------------------
    def _make_engine(self) -> Engine:
        if not self.url.startswith("sqlite"):
            options = ({"connect_args": {"options": "-c default_transaction_read_only=on"}}
                       if self.read_only else {})
            engine = create_engine(self.url, pool_pre_ping=True, hide_parameters=True,
                                   **options)
            event.listen(engine, "handle_error", self._translate_server_error)
            event.listen(engine, "begin", self._on_begin_server)
            return engine
        if self.read_only and self.sqlite_file is not None:
            engine = create_engine(
                self.url, creator=self._connect_read_only, hide_parameters=True
            )
        else:
            engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False, "timeout": self.busy_timeout_ms / 1000},
                hide_parameters=True,
            )
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "begin", self._on_begin)
        event.listen(engine, "handle_error", self._translate_error)
        return engine

    def _on_begin_server(self, conn: Connection) -> None:
        """PostgreSQL: a write transaction first takes the library's write lock (an advisory
        lock held until it commits or rolls back), as BEGIN IMMEDIATE does on SQLite: what it
        reads (existing ids, dedupe keys) stays true until it writes, so ten members importing
        the same papers at once store each paper once. Readers never wait for it. A writer
        waits ``lock_wait_s`` at most (``lock_timeout``), then ``LibraryBusyError``."""
        if not conn.get_execution_options().get(_WRITE) or conn.dialect.name != "postgresql":
            return
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute(f"SET LOCAL lock_timeout = {int(self.lock_wait_s * 1000)}")
        raw.execute(f"SELECT pg_advisory_xact_lock({SERVER_WRITE_LOCK})")

    def _connect_read_only(self) -> sqlite3.Connection:
        assert self.sqlite_file is not None
        return connect_read_only(self.sqlite_file, self.busy_timeout_ms / 1000)

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        # Transactions are begun by _on_begin (pysqlite's own BEGIN comes too late: after the
        # first read, so the write lock could not be waited for).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        if not self.read_only:
            # A new library gets 8 KB pages (before WAL; an existing file keeps its size):
            # a paper row is ~1.4 KB, and 4 KB pages that hold two of them leave a quarter of
            # the papers table empty (issue #16: 350 B of 3 KB per paper).
            cursor.execute("PRAGMA page_size=8192")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # FTS5 merges in a large import write big transactions; without a limit the -wal
            # file keeps its peak size (2.1 GB after a 1M-paper import). Truncate it back to
            # 64 MB after each checkpoint.
            cursor.execute(f"PRAGMA journal_size_limit={64 * 1024 * 1024}")
        cursor.close()

    def _on_begin(self, conn: Connection) -> None:
        raw = conn.connection.driver_connection
        assert raw is not None
        if not conn.get_execution_options().get(_WRITE) or self.read_only:
            raw.execute("BEGIN")
            return
        deadline = time.monotonic() + self.lock_wait_s
        delay = 0.05
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    translated = self._library_error(exc)
                    if translated is None:
                        raise
                    raise translated from exc
                if time.monotonic() + delay > deadline:
                    raise self._busy_error() from exc
                logger.info("the library is busy (another writer); waiting")
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 2.0)

    # -- errors ---------------------------------------------------------------------------------
    def _where(self) -> str:
        return str(self.sqlite_file) if self.sqlite_file is not None else self.url

    def _busy_error(self) -> LibraryBusyError:
        return LibraryBusyError(
            f"the library is busy: another ScholarDesk command or window kept writing to "
            f"{self._where()} for more than {self.lock_wait_s:g} s",
            "(run the command again when it has finished)",
        )

    def _library_error(self, exc: BaseException) -> Exception | None:
        if _is_busy(exc):
            return self._busy_error()
        return library_error(exc, self.sqlite_file, self.url)

    def _translate_server_error(self, context: ExceptionContext) -> None:
        from scholardesk.store import pg_errors

        if context.is_pre_ping:  # a pooled connection the server dropped: the pool replaces it
            return
        original = context.original_exception
        pg_errors.strip_row_values(original)
        if context.sqlalchemy_exception is not None:  # its text was made from the original's
            pg_errors.strip_row_values(context.sqlalchemy_exception)
        translated = pg_errors.server_error(original, self.url)
        if translated is not None:
            raise translated from original

    def _translate_error(self, context: ExceptionContext) -> None:
        translated = self._library_error(context.original_exception)
        if translated is not None:
            raise translated from context.original_exception

    # -- units of work --------------------------------------------------------------------------
    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def person(self) -> str:
        """Who is acting in this library (``store.people``): "" (the owner) in a personal
        SQLite library; in a shared one the name from Settings, else the database role."""
        if self._person is None:
            from scholardesk.store.people import OWNER

            if self.sqlite_file is not None or self.url.startswith("sqlite"):
                self._person = OWNER
            else:
                self._person = self._server_person()
        return self._person

    def _server_person(self) -> str:
        """The name from Settings, else the database role. A name that is another role of the
        server is refused: a member who logs in as themselves cannot become someone else by
        typing their name (in a lab that shares one login, names are not roles)."""
        from scholardesk.core.errors import InputError
        from scholardesk.store.people import clean_person_name

        name = clean_person_name(self.person_name)
        with self.engine.connect() as conn:
            role = clean_person_name(str(conn.exec_driver_sql("SELECT current_user").scalar()))
            if not name or name == role:
                return role
            taken = conn.exec_driver_sql(
                "SELECT 1 FROM pg_roles WHERE rolname = %(name)s", {"name": name}).scalar()
        if taken:
            raise InputError(
                f"The name {name!r} in Settings is the database role of another member of "
                f"this shared library; you log in as {role!r}.",
                "Clear 'Your name in a shared library' in Settings (you are then your role), "
                "or choose a name that is nobody's role.",
            )
        return name

    def set_person_name(self, name: str) -> None:
        """A new name from Settings: the sessions from now on act as that person."""
        self.person_name = name
        self._person = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls back when it raises. On SQLite it
        holds the write lock from its first statement (waiting for other writers first)."""
        person = self.person
        with self.write_session_factory.begin() as session:
            session.info["person"] = person
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session (rolled back at the end, never commits)."""
        session = self.session_factory()
        session.info["person"] = self.person
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

