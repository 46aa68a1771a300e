"""Ten processes import, tag, rate and search one PostgreSQL library at once (issue #18), each
as its own member of the lab: every paper is stored once (0 duplicated), every import, tag
and rating is there (0 lost), each under the member who made it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from scholardesk.store.db import Database

WORKER = Path(__file__).with_name("concurrent_worker.py")
WORKERS = int(os.environ.get("SCHOLARDESK_PG_WRITERS", "10"))
OPS = int(os.environ.get("SCHOLARDESK_PG_OPS", "1000"))
POOL = 400  # shared papers: every worker imports the same ones at the same time


@pytest.mark.timeout(900)
def test_ten_writers_lose_nothing_and_duplicate_nothing(pg: Database) -> None:
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), pg.url, str(w), str(OPS), str(POOL)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(WORKERS)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=880)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = time.monotonic() - started
    imported = {k for r in results for k in r["imported"]}
    tagged = {tuple(pair) for r in results for pair in r["tagged"]}
    with pg.reading() as session:
        dois = [row[0] for row in session.execute(text("SELECT doi FROM papers"))]
        stored_tags = {tuple(row) for row in session.execute(text(
            "SELECT p.doi, t.tag FROM paper_tags t JOIN papers p ON p.id = t.paper_id")).all()}
        tag_people = set(session.execute(text(
            "SELECT tag, person FROM paper_tags")).all())
        ratings = session.execute(text(
            "SELECT p.doi, m.person, m.rating FROM paper_marks m "
            "JOIN papers p ON p.id = m.paper_id")).all()
        sources = session.execute(text(
            "SELECT count(*), count(DISTINCT paper_id) FROM paper_sources")).one()
    print(f"{WORKERS} writers x {OPS} operations in {elapsed:.1f} s: {len(dois)} papers, "
          f"{len(stored_tags)} tags, {sum(r['searches'] for r in results)} searches")
    assert sum(len(r["imported"]) for r in results) == sum(
        1 for w in range(WORKERS) for i in range(OPS) if (i + w) % 3 == 0)
    assert len(dois) == len(set(dois))  # 0 duplicated
    assert set(dois) == {f"10.5555/lab.{k}" for k in imported}  # 0 lost
    assert tagged and tagged <= stored_tags  # every tag a worker added is there
    assert tag_people == {(f"worker-{w}", f"member-{w}") for w in range(WORKERS)
                          if any(r for r in results[w]["tagged"])}  # each under its member
    rated = {(doi, f"member-{tag.split('-')[1]}") for doi, tag in tagged}
    assert {(doi, person) for doi, person, _ in ratings} == rated  # 0 lost
    assert len(ratings) == len(rated)  # one mark per paper and member (upserts): 0 duplicated
    assert all(rating == int(person.split("-")[1]) % 5 + 1 for _, person, rating in ratings)
    assert tuple(sources) == (len(dois), len(dois))  # one provenance row per paper
