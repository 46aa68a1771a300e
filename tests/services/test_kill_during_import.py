"""An import killed with SIGKILL at any moment loses nothing once it is run again.

The real CLI (``python -m scholardesk --home DIR papers import FILE`` / ``reviews import FILE``)
is killed at seeded random points between 25 % and 90 % of an uninterrupted run's wall time
(opening the library, parsing, writing, committing), then the same import is run again. The
library must then hold exactly what one uninterrupted run stores, and ``db check`` must find it
intact. ``SCHOLARDESK_KILL_RUNS`` sets the number of kill points per import (default 5) and
``SCHOLARDESK_KILL_SEED`` the seed (default 11).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scholardesk.cli import main

RUNS = int(os.environ.get("SCHOLARDESK_KILL_RUNS", "5"))
SEED = int(os.environ.get("SCHOLARDESK_KILL_SEED", "11"))


def bibtex(count: int) -> str:
    # more than one import batch (5,000 papers each), so a kill can fall between two commits
    return "".join(
        f"@inproceedings{{kill{n},\n  title = {{Interrupted import, paper {n}}},\n"
        f"  author = {{Killer, Kim and Survivor, Sam}},\n  year = {{{2000 + n % 25}}},\n"
        f"  booktitle = {{Proceedings of Robust Systems}},\n  doi = {{10.4242/kill.{n}}},\n"
        f"  abstract = {{What survives a SIGKILL at step {n}.}}\n}}\n\n"
        for n in range(count)
    )


def reviews_csv(count: int) -> str:
    rows = ["doi,title,journal,issn,received,revised,accepted"]
    rows += [
        f"10.4343/kill.{n},Killed review {n},Journal of Crashes,2049-3630,"
        f"2019-02-{1 + n % 28:02d},2019-05-{1 + n % 28:02d},2019-09-{1 + n % 28:02d}"
        for n in range(count)
    ]
    return "\n".join(rows) + "\n"


def content(library: Path) -> dict[str, object]:
    """Everything an import stores, without ids and clock times."""
    conn = sqlite3.connect(library)
    try:
        def rows(sql: str) -> list[tuple[object, ...]]:
            return sorted(conn.execute(sql).fetchall(), key=repr)

        return {
            "papers": rows(
                "SELECT doi, title, authors_json, year, venue, abstract, entry_type, bibtex_key,"
                " title_key FROM papers"
            ),
            "marks": rows(
                "SELECT p.doi, m.person, m.status, m.rating, m.notes"
                " FROM paper_marks m JOIN papers p ON p.id = m.paper_id"
            ),
            "sources": rows(
                "SELECT p.doi, s.source_kind, s.source_ref, s.record_ref"
                " FROM paper_sources s JOIN papers p ON p.id = s.paper_id"
            ),
            "title index": rows(
                "SELECT p.doi FROM papers p JOIN papers_fts f ON f.rowid = p.id"
                " WHERE f.title = p.title"
            ),
            "word index": rows(
                "SELECT p.doi FROM papers p JOIN papers_words_fts w ON w.rowid = p.id"
            ),
            "fts rows": conn.execute(
                "SELECT (SELECT count(*) FROM papers_fts), (SELECT count(*) FROM papers_words_fts)"
            ).fetchone(),
            "reviews": rows(
                "SELECT key, doi, title, journal, issn, received, revised, accepted, revisions,"
                " flags, source FROM review_articles"
            ),
        }
    finally:
        conn.close()


def start(home: Path, args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "scholardesk", "--home", str(home), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def kill_after(home: Path, args: list[str], delay: float) -> int:
    """Start the CLI and SIGKILL it ``delay`` seconds later. Returns its exit status (-9 when
    the kill landed, else how it ended by itself)."""
    proc = start(home, args)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
    return proc.wait(timeout=60)


def db_check(home: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["--home", str(home), "db", "check", "--json"]) == 0
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


@pytest.mark.parametrize(
    ("group", "name", "make"),
    [("papers", "many.bib", lambda: bibtex(5200)), ("reviews", "many.csv", lambda: reviews_csv(800))],
)
def test_an_import_killed_at_random_points_then_rerun_stores_what_one_run_stores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], group: str, name: str, make: object
) -> None:
    source = tmp_path / name
    source.write_text(make(), encoding="utf-8")  # type: ignore[operator]
    template = tmp_path / "template"
    assert main(["--home", str(template), "db", "upgrade"]) == 0
    args = [group, "import", str(source), "--json"]

    reference = tmp_path / "reference"  # one uninterrupted run of the real CLI, timed
    shutil.copytree(template, reference)
    started = time.monotonic()
    assert start(reference, args).wait(timeout=120) == 0
    whole_s = time.monotonic() - started
    expected = content(reference / "library.sqlite")
    assert expected["papers" if group == "papers" else "reviews"]

    rng = random.Random(f"{SEED}-{group}")
    killed = 0
    for run in range(RUNS):
        home = tmp_path / f"run{run}"
        shutil.copytree(template, home)
        # from interpreter start-up (opening the library) to the last commit
        status = kill_after(home, args, rng.uniform(0.25 * whole_s, 0.9 * whole_s))
        killed += status == -signal.SIGKILL
        capsys.readouterr()
        assert main(["--home", str(home), *args]) == 0, capsys.readouterr().err
        assert content(home / "library.sqlite") == expected, f"run {run}: content differs"
        assert db_check(home, capsys)["integrity"] == "ok"
        shutil.rmtree(home)
    assert killed >= min(RUNS, 1), f"only {killed} of {RUNS} kills landed while the import ran"
