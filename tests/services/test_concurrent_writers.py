"""Several writers on one library at the same time lose nothing and double nothing.

The README promises that command-line commands may run beside the window. These tests start the
real CLI (``python -m scholardesk --home DIR papers import FILE`` / ``reviews import FILE``) in
several processes at once on one library, with overlapping inputs, and count exactly what was
stored. Before the fix a second ``papers import`` died with "ids are not contiguous" and a
``reviews import`` beside it stored nothing ("database is locked" on every record).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scholardesk.core.errors import LibraryBusyError
from scholardesk.store.db import Database
from scholardesk.store.library_repo import LibraryMetaRepository


def bibtex(tag: str, numbers: range) -> str:
    return "".join(
        f"@article{{cw{n},\n  title = {{Concurrent writers, paper number {n}}},\n"
        f"  author = {{Writer, Ann and Other, Bob}},\n  year = {{2021}},\n"
        f"  journal = {{Journal of Tests}},\n  doi = {{10.5555/cw.{n}}},\n"
        f"  note = {{from {tag}}}\n}}\n\n"
        for n in numbers
    )


def reviews_csv(numbers: range) -> str:
    rows = ["doi,title,journal,issn,received,accepted"]
    rows += [
        f"10.7777/rv.{n},Review record {n},Journal of Waiting,1234-5679,2020-01-{1 + n % 28:02d},"
        f"2020-06-{1 + n % 28:02d}"
        for n in numbers
    ]
    return "\n".join(rows) + "\n"


def cli(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "scholardesk", "--home", str(home), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out + err


def counts(library: Path) -> dict[str, int]:
    conn = sqlite3.connect(library)
    try:
        one = lambda sql: int(conn.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "papers": one("SELECT count(*) FROM papers"),
            "paper dois": one("SELECT count(DISTINCT doi) FROM papers"),
            "paper sources": one("SELECT count(*) FROM paper_sources"),
            "title index": one("SELECT count(*) FROM papers_fts"),
            "word index": one("SELECT count(*) FROM papers_words_fts"),
            "review articles": one("SELECT count(*) FROM review_articles"),
            "review dois": one("SELECT count(DISTINCT doi) FROM review_articles"),
        }
    finally:
        conn.close()


def test_papers_and_reviews_imports_side_by_side_store_everything_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert finish(cli(home, "db", "upgrade"))[0] == 0
    files = {
        "a.bib": bibtex("a", range(0, 1500)),
        "b.bib": bibtex("b", range(1000, 2500)),  # 500 shared with a.bib
        "c.bib": bibtex("c", range(2500, 3500)),
        "r1.csv": reviews_csv(range(0, 1500)),
        "r2.csv": reviews_csv(range(1000, 2500)),  # 500 shared with r1.csv
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    started = time.monotonic()
    procs = [
        cli(home, "papers" if name.endswith(".bib") else "reviews", "import",
            str(tmp_path / name), "--json")
        for name in files
    ]
    results = [finish(p) for p in procs]
    elapsed = time.monotonic() - started

    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output and "not contiguous" not in output
    assert counts(home / "library.sqlite") == {
        "papers": 3500,
        "paper dois": 3500,
        "paper sources": 4000,  # one provenance row per entry of each file
        "title index": 3500,
        "word index": 3500,
        "review articles": 2500,
        "review dois": 2500,
    }
    assert elapsed < 60


@pytest.mark.sqlite_only("SQLite's write lock and busy timeout")
def test_a_writer_waits_for_the_lock_beyond_the_busy_timeout(db: Database) -> None:
    """Another connection holds the write lock 4x longer than SQLite's busy timeout: the
    transaction retries with backoff at its start and then commits."""
    db.dispose()
    patient = Database(db.url, busy_timeout_ms=100, lock_wait_s=10)
    holder = sqlite3.connect(
        db.url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.4, holder.execute, ("COMMIT",))
    release.start()
    try:
        started = time.monotonic()
        with patient.transaction() as session:
            LibraryMetaRepository(session).set("waited", "yes")
        assert time.monotonic() - started >= 0.35
        with patient.reading() as session:
            assert LibraryMetaRepository(session).all()["waited"] == "yes"
    finally:
        release.join()
        holder.close()
        patient.dispose()


@pytest.mark.sqlite_only("SQLite's write lock and busy timeout")
def test_a_writer_gives_up_with_a_clear_error_when_the_lock_is_never_released(
    db: Database,
) -> None:
    db.dispose()
    impatient = Database(db.url, busy_timeout_ms=50, lock_wait_s=0.3)
    holder = sqlite3.connect(
        db.url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LibraryBusyError, match="the library is busy"):
            with impatient.transaction() as session:
                LibraryMetaRepository(session).set("never", "stored")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with impatient.reading() as session:
        assert "never" not in LibraryMetaRepository(session).all()
    impatient.dispose()
