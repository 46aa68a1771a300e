from __future__ import annotations

import pytest

from scholardesk.store.db import Database
from scholardesk.store.library_repo import LibraryMetaRepository


def test_sqlite_runs_with_wal_and_foreign_keys(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_a_transaction_commits_or_rolls_back_as_a_whole(db: Database) -> None:
    with db.transaction() as session:
        LibraryMetaRepository(session).set("a", "1")
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            LibraryMetaRepository(session).set("b", "2")
            raise RuntimeError("boom")
    with db.reading() as session:
        assert LibraryMetaRepository(session).all() == {"a": "1"}
