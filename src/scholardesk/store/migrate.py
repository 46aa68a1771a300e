"""Schema migrations with Alembic, plus the checks run before a library is opened.

On launch the app calls ``prepare_library``: it refuses files that are not SQLite, corrupt, or
from a newer ScholarDesk (leaving them untouched), backs up the file when an upgrade is due, and
upgrades to head. ``create_all`` is never used outside tests.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from scholardesk.core.errors import (
    CorruptLibraryError,
    LibraryError,
    LibraryReadOnlyError,
    NewerLibraryError,
    NotALibraryError,
)
from scholardesk.core.resources import migrations_dir
from scholardesk.store.db import Database, connect_read_only, library_error
from scholardesk.store.models import Base

if TYPE_CHECKING:  # alembic costs ~0.15 s to import: only when a migration check runs
    from alembic.config import Config
    from alembic.script import ScriptDirectory

logger = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class SchemaStatus:
    current: tuple[str, ...]
    heads: tuple[str, ...]
    integrity: str

    @property
    def up_to_date(self) -> bool:
        return set(self.current) == set(self.heads)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(script_directory().get_heads()))


def current_revisions(engine: Engine) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not a SQLite database, without touching it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotALibraryError(
            f"{path} is not a ScholarDesk library (not a SQLite database).",
            "Choose another library location; the file was left untouched.",
        )


def integrity_check(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        return "ok"
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
    except LibraryError:  # full, read-only, busy: not damage
        raise
    except Exception as exc:  # sqlite3.DatabaseError subclasses, wrapped by SQLAlchemy
        raise CorruptLibraryError(
            f"The library database is damaged: {exc}.",
            "Restore a backup from the backups folder or choose another library location.",
        ) from exc
    result = "; ".join(str(r[0]) for r in rows)
    if result != "ok":
        raise CorruptLibraryError(
            f"The library database is damaged ({result[:200]}).",
            "Restore a backup from the backups folder or choose another library location.",
        )
    return result


def check_known_revisions(engine: Engine) -> tuple[str, ...]:
    current = current_revisions(engine)
    script = script_directory()
    for rev in current:
        if not _revision_exists(script, rev):
            raise NewerLibraryError(
                f"This library was written by a newer ScholarDesk (schema revision {rev}).",
                "Update ScholarDesk, or choose another library location; the file was left untouched.",
            )
    return current


def _revision_exists(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises several types for unknown ids
        return False


def backup_sqlite(path: Path, backup_dir: Path, label: str = "") -> Path:
    """Copy a live SQLite file consistently (the backup API, safe with WAL)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    if not os.access(backup_dir, os.W_OK):
        raise LibraryReadOnlyError(
            f"the backups folder is read-only: {backup_dir}", "Choose another folder for the copy."
        )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"{path.stem}-{stamp}{('-' + label) if label else ''}.sqlite"
    counter = 1
    while target.exists():
        target = target.with_name(f"{target.stem}-{counter}.sqlite")
        counter += 1
    src = connect_read_only(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        translated = library_error(exc, target)
        if translated is None:
            raise
        raise translated from exc
    finally:
        dst.close()
        src.close()
    logger.info("Backed up %s to %s", path, target)
    return target


def upgrade(db: Database) -> None:
    from alembic import command

    cfg = alembic_config(db.url)
    with db.write_engine.begin() as conn:  # BEGIN IMMEDIATE: waits for other writers
        cfg.attributes["connection"] = conn
        # marks made before people existed (0002u, 0005p) become the upgrader's
        cfg.attributes["person"] = db.person
        command.upgrade(cfg, "heads")


def precheck_sqlite_file(path: Path) -> None:
    """Validate an existing library file read-only, before any connection of ours writes to it
    (switching to WAL alone rewrites header bytes)."""
    check_sqlite_file(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        raise CorruptLibraryError(f"The library database cannot be read: {exc}.") from exc
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        has_versions = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        revisions = (
            [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
            if has_versions
            else []
        )
    except sqlite3.DatabaseError as exc:
        translated = library_error(exc, path)
        if translated is not None:  # full, read-only, busy: not damage
            raise translated from exc
        raise CorruptLibraryError(
            f"The library database is damaged: {exc}.",
            "Restore a backup from the backups folder or choose another library location.",
        ) from exc
    finally:
        conn.close()
    result = "; ".join(str(r[0]) for r in rows)
    if result != "ok":
        raise CorruptLibraryError(
            f"The library database is damaged ({result[:200]}).",
            "Restore a backup from the backups folder or choose another library location.",
        )
    script = script_directory()
    for rev in revisions:
        if not _revision_exists(script, rev):
            raise NewerLibraryError(
                f"This library was written by a newer ScholarDesk (schema revision {rev}).",
                "Update ScholarDesk, or choose another library location; the file was left untouched.",
            )


def prepare_library(db: Database, sqlite_file: Path | None, backup_dir: Path) -> SchemaStatus:
    """Validate, back up if an upgrade is due, and upgrade to head."""
    if sqlite_file is not None:
        precheck_sqlite_file(sqlite_file)
    integrity = integrity_check(db.engine)
    current = check_known_revisions(db.engine)
    heads = head_revisions()
    if set(current) != set(heads):
        if db.read_only:
            raise LibraryReadOnlyError(
                f"the library folder is read-only: {db.sqlite_file.parent if db.sqlite_file else db.url}",
                "This library needs a one-time upgrade for this ScholarDesk version, which "
                "writes to it: make the folder writable and open it once.",
            )
        if sqlite_file is not None and current and sqlite_file.exists():
            backup_sqlite(sqlite_file, backup_dir, label="before-upgrade")
        upgrade(db)
        logger.info("Upgraded library schema %s -> %s", current, heads)
    return SchemaStatus(current_revisions(db.engine), heads, integrity)


def schema_status(db: Database) -> SchemaStatus:
    integrity = integrity_check(db.engine)
    return SchemaStatus(current_revisions(db.engine), head_revisions(), integrity)


def drift(db: Database) -> list[object]:
    """Differences between the ORM models and the migrated schema (empty when in sync)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diffs = compare_metadata(ctx, Base.metadata)
    return [d for d in diffs if not _is_fts_shadow(d)]


def _is_fts_shadow(diff: object) -> bool:
    """FTS5 virtual tables and their shadow tables, and PostgreSQL's trigram indexes (0002p)
    and stored search words (0002q), live outside the ORM on purpose."""
    if isinstance(diff, tuple) and len(diff) >= 2 and diff[0] == "remove_table":
        name = getattr(diff[1], "name", "")
        return "_fts" in name
    if isinstance(diff, tuple) and len(diff) >= 2 and diff[0] == "remove_index":
        return str(getattr(diff[1], "name", "")).startswith(
            ("ix_papers_trgm_", "ix_papers_tsv_", "ix_papers_pgsort_"))
    if isinstance(diff, tuple) and len(diff) >= 4 and diff[0] == "remove_column":
        return diff[2] == "papers" and getattr(diff[3], "name", "") in (  # 0002q
            "search_head", "search_abstract")
    return False
