from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import event, text

from scholardesk.core.errors import DiskFullError
from scholardesk.domain.papers import PaperRecord
from scholardesk.store.db import Database
from scholardesk.store.library_repo import LibraryMetaRepository
from scholardesk.store.papers_repo import PapersRepository


@pytest.mark.sqlite_only("PRAGMAs")
def test_sqlite_runs_with_wal_and_foreign_keys(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.sqlite_only("WAL")
def test_the_write_ahead_log_is_cut_back_after_a_checkpoint(db: Database) -> None:
    # A large import's FTS merges leave a -wal file of gigabytes otherwise (issue #16).
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == 64 * 1024 * 1024


def test_a_transaction_commits_or_rolls_back_as_a_whole(db: Database) -> None:
    with db.transaction() as session:
        LibraryMetaRepository(session).set("a", "1")
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            LibraryMetaRepository(session).set("b", "2")
            raise RuntimeError("boom")
    with db.reading() as session:
        assert LibraryMetaRepository(session).all() == {"a": "1"}


# --- ids, full disks, hidden parameters ------------------------------------------------------

def _record(n: int) -> PaperRecord:
    return PaperRecord(
        source_kind="bibtex", source_ref="test.bib", record_ref=f"k{n}",
        title=f"Stored paper {n} " + "x" * 200, authors=("Doe, Jane",), year=2020,
        doi=f"10.1/store.{n}",
    )


@pytest.mark.sqlite_only("SQLite triggers and PRAGMA table_info")
def test_inserted_papers_get_the_ids_sqlite_gave_them_when_other_rows_come_between(
    db: Database,
) -> None:
    """Ids are read back from SQLite, never computed as max(id)+1, +2, ...: here a temporary
    trigger adds someone else's row in the middle of our insert (as a second writer could
    between a max(id) and the insert), and every paper still gets its own id."""
    with db.transaction() as session:
        first = PapersRepository(session).insert_many([_record(1)])
        conn = session.connection()
        columns = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(papers)") if r[1] != "id"]
        others = ", ".join(
            f"{c} || '-other'" if c in ("doi", "title_key", "title") else c for c in columns
        )
        conn.exec_driver_sql(
            "CREATE TEMP TRIGGER someone_else AFTER INSERT ON papers"
            " WHEN NEW.doi = '10.1/store.2' BEGIN"
            f" INSERT INTO papers ({', '.join(columns)}) SELECT {others} FROM papers"
            " WHERE id = NEW.id; END"
        )
        later = PapersRepository(session).insert_many([_record(2), _record(3)])
        conn.exec_driver_sql("DROP TRIGGER someone_else")
    assert later == [first[0] + 1, first[0] + 3]  # the row in between is not ours
    with db.reading() as session:
        repo = PapersRepository(session)
        assert [p.doi for p in repo.papers(first + later)] == [
            "10.1/store.1", "10.1/store.2", "10.1/store.3"
        ]
        assert repo.search("Stored paper 3") == [later[1]]
        assert repo.count() == 4


def _limit_pages(db: Database, extra_pages: int) -> None:
    """SQLite's own ``max_page_count`` on every connection: past it SQLite reports SQLITE_FULL
    ("database or disk is full") on the real file, exactly as on a full disk."""
    with db.engine.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    db.dispose()

    def limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + extra_pages}")

    event.listen(db.engine, "connect", limit)


@pytest.mark.sqlite_only("a full disk simulated with PRAGMA max_page_count")
def test_a_full_disk_is_one_clear_line_without_sql_or_parameters(db: Database) -> None:
    _limit_pages(db, 2)
    with pytest.raises(DiskFullError) as caught:
        with db.transaction() as session:
            PapersRepository(session).insert_many([_record(n) for n in range(2000)])
    message = str(caught.value)
    assert message.startswith(f"the disk is full: {db.sqlite_file}")
    assert "INSERT" not in message and "Stored paper" not in message and len(message) < 300
    with db.reading() as session:  # the unfinished transaction left nothing behind
        assert PapersRepository(session).count() == 0


@pytest.mark.sqlite_only("a full disk simulated with PRAGMA max_page_count")
def test_a_full_disk_at_commit_is_translated_too(db: Database) -> None:
    _limit_pages(db, 0)
    with pytest.raises(DiskFullError, match="the disk is full"):
        with db.transaction() as session:
            LibraryMetaRepository(session).set("big", "y" * 100_000)


def test_database_errors_never_carry_the_sql_parameters(db: Database) -> None:
    secret = "parameter-value-that-must-not-leak"
    with pytest.raises(sqlalchemy.exc.IntegrityError) as caught:
        with db.transaction() as session:
            session.execute(
                text("INSERT INTO papers (id, title) VALUES (:id, :title)"),
                [{"id": 1, "title": secret}],
            )
    assert secret not in str(caught.value)
    assert "parameters hidden" in str(caught.value)


@pytest.mark.sqlite_only("SQLite's BEGIN IMMEDIATE file lock")
def test_a_write_transaction_holds_the_lock_from_its_start(db: Database) -> None:
    """BEGIN IMMEDIATE: while one unit of work runs, even before it has written anything,
    another connection cannot start writing (so what it read stays true until it writes)."""
    other = sqlite3.connect(str(db.sqlite_file), timeout=0, isolation_level=None)
    try:
        with db.transaction() as session:
            PapersRepository(session).count()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_library_in_a_folder_that_does_not_exist_yet_is_created_there(tmp_path: Path) -> None:
    # what `scholardesk --db sqlite:////new/folder/library.sqlite db upgrade` does (it used to
    # say "the library folder is read-only" for a folder that was only missing)
    from scholardesk.store import migrate

    target = tmp_path / "lab" / "2026" / "library.sqlite"
    database = Database(f"sqlite:///{target}")
    try:
        assert not database.read_only
        migrate.upgrade(database)
        assert target.is_file()
    finally:
        database.dispose()
