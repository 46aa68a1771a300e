"""Migrations: no drift, data survives upgrades, and bad library files are refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from scholardesk.core.errors import CorruptLibraryError, NewerLibraryError, NotALibraryError
from scholardesk.store import migrate
from scholardesk.store.db import Database
from scholardesk.store.models import Base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_models_and_migrations_do_not_drift(db: Database) -> None:
    assert migrate.drift(db) == []


def test_every_model_table_exists_after_upgrade(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_an_upgrade_from_the_first_revision_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = Database(f"sqlite:///{path}")
    cfg = migrate.alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001_foundation")
        conn.exec_driver_sql("INSERT INTO library_meta(key, value) VALUES ('owner', '张三')")
    status = migrate.prepare_library(db, path, tmp_path / "backups")
    assert status.up_to_date
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT value FROM library_meta WHERE key='owner'").all()
    assert rows == [("张三",)]
    if status.current != ("0001_foundation",):
        # an upgrade happened, so the file was backed up first
        assert list((tmp_path / "backups").glob("old-*-before-upgrade.sqlite"))
    db.dispose()


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    path.write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    before = _digest(path)
    with pytest.raises(NotALibraryError, match="not a ScholarDesk library"):
        migrate.check_sqlite_file(path)
    assert _digest(path) == before


def test_a_library_from_a_newer_scholardesk_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    conn.commit()
    conn.close()
    before = _digest(path)
    db = Database(f"sqlite:///{path}")
    with pytest.raises(NewerLibraryError, match="newer ScholarDesk"):
        migrate.prepare_library(db, path, tmp_path / "backups")
    db.dispose()
    assert _digest(path) == before


def test_a_corrupt_library_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size=1024")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[3 * 1024 : 6 * 1024] = b"\xff" * 3 * 1024  # smash a few pages, keep the header
    path.write_bytes(bytes(data))
    db = Database(f"sqlite:///{path}")
    with pytest.raises(CorruptLibraryError, match="damaged"):
        migrate.prepare_library(db, path, tmp_path / "backups")
    db.dispose()


@pytest.mark.sqlite_only("copies the SQLite file")
def test_backup_copies_a_consistent_database(db: Database, tmp_path: Path) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO library_meta(key, value) VALUES ('k', 'v')")
    source = Path(db.url.removeprefix("sqlite:///"))
    copy = migrate.backup_sqlite(source, tmp_path / "b")
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT value FROM library_meta WHERE key='k'").fetchone() == ("v",)
    conn.close()
