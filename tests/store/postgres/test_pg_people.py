"""People in a shared library (issue #18), on the real PostgreSQL server: papers, venues,
review-time statistics and the rest are everyone's; reading status, rating, notes, tags, feed
triage and submissions are each member's own. A member is the name set in Settings, else the
database role."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from scholardesk.core.config import Paths, Settings
from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.domain.papers import PaperFilter, PaperRecord
from scholardesk.domain.reviews import ArticleQuery
from scholardesk.services.context import Services
from scholardesk.services.library_sync import LibrarySyncService
from scholardesk.services.papers import PapersService
from scholardesk.services.reviews import SHARED_MANUSCRIPT_TITLE
from scholardesk.services.submissions import SubmissionsService
from scholardesk.store import migrate
from scholardesk.store.db import Database
from scholardesk.store.papers_feed_repo import PapersFeedRepository

SUBMISSIONS = Path(__file__).resolve().parents[2] / "data" / "submissions"


def _member(pg_database: tuple[object, str], person: str) -> Database:
    databases, name = pg_database
    return Database(databases.url_of(name), person=person)  # type: ignore[attr-defined]


def _records() -> list[PaperRecord]:
    return [PaperRecord(title=t, authors=("A. Author",), year=2024, source_kind="bibtex",
                        source_ref="lab.bib", record_ref=str(i))
            for i, t in enumerate(("Conformer for speech", "Whisper at scale", "语音自监督学习"))]


def test_each_member_has_their_own_status_rating_notes_and_tags(pg_database) -> None:  # type: ignore[no-untyped-def]
    alice, bob = _member(pg_database, "alice"), _member(pg_database, "bob")
    try:
        PapersService(alice).import_records(_records())
        mine, theirs = PapersService(alice), PapersService(bob)
        ids = mine.list_ids()
        assert theirs.list_ids() == ids  # the papers are everyone's
        conformer = ids[-1]
        mine.update([conformer], status="read", rating=5, notes="复现了 CTC head",
                    add_tags=["asr"])
        theirs.update([conformer], status="reading", add_tags=["to-cite"])
        a, b = mine.get(conformer), theirs.get(conformer)
        assert (a.status, a.rating, a.notes, a.tags) == ("read", 5, "复现了 CTC head", ("asr",))
        assert (b.status, b.rating, b.notes, b.tags) == ("reading", 0, "", ("to-cite",))
        assert mine.list_ids(PaperFilter(tag="asr")) == [conformer]
        assert theirs.list_ids(PaperFilter(tag="asr")) == []
        assert theirs.list_ids(PaperFilter(status="unread")) == ids[:-1]
        assert [r.id for r in mine.search("复现")] == [conformer]  # one's notes are one's own
        assert theirs.search("复现") == []
        assert mine.search("复习") == []  # another pattern: another statement, not a cached one
        assert mine.list_ids(sort="rating", descending=True)[0] == conformer
        assert [t for t, _ in mine.facets().tags] == ["asr"]
        assert [t for t, _ in theirs.facets().tags] == ["to-cite"]
        theirs.delete([ids[0]])  # a paper is everyone's: deleting it deletes it for all
        assert mine.list_ids() == ids[1:]
    finally:
        alice.dispose()
        bob.dispose()


def test_submissions_and_feed_triage_are_each_members_own(pg_database) -> None:  # type: ignore[no-untyped-def]
    alice, bob = _member(pg_database, "alice"), _member(pg_database, "bob")
    try:
        added = SubmissionsService(alice).add("My TASLP paper", "IEEE/ACM TASLP")
        assert [s.title for s in SubmissionsService(alice).all()] == ["My TASLP paper"]
        assert SubmissionsService(bob).all() == []
        with pytest.raises(NotFoundError):  # not bob's: refused, nothing deleted
            SubmissionsService(bob).delete([added.submission.id])
        assert len(SubmissionsService(alice).all()) == 1
        with alice.transaction() as session:
            feed = PapersFeedRepository(session)
            feed.set_state(["2401.00001"], "not_interested")
            feed.add_rule("exclude", "quantum")
        with bob.transaction() as session:
            feed = PapersFeedRepository(session)
            assert feed.states() == {} and feed.rules() == []
            feed.add_rule("exclude", "quantum")  # the same rule, bob's own
        with alice.reading() as session:
            assert PapersFeedRepository(session).states() == {"2401.00001": "not_interested"}
    finally:
        alice.dispose()
        bob.dispose()


def test_without_a_name_a_member_is_their_database_role(pg_database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    databases, name = pg_database
    role = f"sd_member_{uuid.uuid4().hex[:8]}"
    databases._execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'")  # type: ignore[attr-defined]
    grant = Database(databases.url_of(name))  # type: ignore[attr-defined]
    with grant.engine.begin() as conn:  # as the README's lab set-up grants a member
        for sql in (f"GRANT USAGE ON SCHEMA public TO {role}",
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                    f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"):
            conn.exec_driver_sql(sql)
    url = make_url(databases.url_of(name)).set(  # type: ignore[attr-defined]
        username=role, password="pw").render_as_string(hide_password=False)
    member = Database(url)
    try:
        assert member.person == role
        migrate.prepare_library(member, None, tmp_path)  # up to date: nothing to do
        PapersService(member).import_records(_records()[:1])
        pid = PapersService(member).list_ids()[0]
        PapersService(member).update([pid], status="read")
        assert PapersService(member).get(pid).status == "read"
        assert PapersService(grant).get(pid).status == "unread"  # the admin is someone else
        # nobody becomes another member by typing that member's role as their name
        posing = Database(url, person="postgres")
        with pytest.raises(InputError, match="the database role of another member"):
            PapersService(posing).get(pid)
        posing.dispose()
        assert Database(url, person=role).person == role  # one's own role as a name: fine
    finally:
        member.dispose()
        with grant.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
        grant.dispose()
        databases._execute(f"DROP ROLE IF EXISTS {role}")  # type: ignore[attr-defined]


def _personal(tmp_path: Path, name: str, person: str) -> Services:
    paths = Paths.resolve(tmp_path / name)
    paths.ensure()
    db = Database(paths.db_url, person=person)
    migrate.upgrade(db)
    return Services(db=db, paths=paths, settings=Settings(library_person=person))


def test_a_push_writes_my_marks_as_mine_and_a_pull_brings_back_only_mine(  # type: ignore[no-untyped-def]
    pg_database, tmp_path: Path
) -> None:
    databases, name = pg_database
    url = databases.url_of(name)  # type: ignore[attr-defined]
    laptop = _personal(tmp_path, "alice-laptop", "alice")
    try:
        assert laptop.db.person == ""  # a personal library has one person: its owner
        laptop.papers.import_records(_records())
        pid = laptop.papers.list_ids()[-1]
        laptop.papers.update([pid], status="read", rating=4, notes="good baseline",
                             add_tags=["asr"])
        LibrarySyncService(laptop.db).push(url)
        alice, bob = _member(pg_database, "alice"), _member(pg_database, "bob")
        try:
            shared_id = PapersService(alice).list_ids(PaperFilter(tag="asr"))
            assert len(shared_id) == 1
            got = PapersService(alice).get(shared_id[0])
            assert (got.status, got.rating, got.notes) == ("read", 4, "good baseline")
            assert PapersService(bob).get(shared_id[0]).status == "unread"
            PapersService(bob).update(shared_id, status="reading",
                                      notes="bob's", add_tags=["bob-tag"])
        finally:
            alice.dispose()
            bob.dispose()
        fresh = _personal(tmp_path, "alice-desktop", "alice")
        try:
            report = LibrarySyncService(fresh.db).pull(url)
            assert report.papers.added == 3
            back = fresh.papers.get(fresh.papers.list_ids(PaperFilter(tag="asr"))[0])
            assert (back.status, back.rating, back.notes, back.tags) == (
                "read", 4, "good baseline", ("asr",))  # bob's marks did not travel
            assert fresh.papers.list_ids(PaperFilter(tag="bob-tag")) == []
            again = LibrarySyncService(fresh.db).pull(url)
            assert again.papers.added == 0 and fresh.papers.count() == 3  # no duplicates
        finally:
            fresh.close()
    finally:
        laptop.close()


def _member_services(pg_database: tuple[object, str], tmp_path: Path, person: str) -> Services:
    paths = Paths.resolve(tmp_path / person)
    paths.ensure()
    services = Services(db=_member(pg_database, person), paths=paths, settings=Settings())
    services.submissions.today = lambda: dt.date(2025, 1, 10)  # type: ignore[method-assign]
    return services


def test_each_members_accepted_manuscripts_count_and_sync_as_theirs(  # type: ignore[no-untyped-def]
    pg_database, tmp_path: Path
) -> None:
    history = (SUBMISSIONS / "seed109_flattened.txt").read_text(encoding="utf-8")
    alice = _member_services(pg_database, tmp_path, "alice")
    bob = _member_services(pg_database, tmp_path, "bob")
    try:
        alice.submissions.import_text(history, "Neurocomputing", "Alice's paper")
        bob.submissions.import_text(history, "Neurocomputing", "Bob's paper")
        assert alice.reviews.import_my_submissions().report.imported == 1
        bob_sync = bob.reviews.import_my_submissions()
        assert (bob_sync.report.imported, bob_sync.removed) == (1, 0)  # alice's record stays
        [stats] = alice.reviews.stats("Neurocomputing")
        assert stats.n == 2  # the statistics are shared: both manuscripts count
        titles = {r.history.title for r in alice.reviews.articles(
            ArticleQuery(journal="Neurocomputing"))}
        assert titles == {SHARED_MANUSCRIPT_TITLE}  # but not their titles: those stay private
        assert bob.reviews.remove_my_submissions().removed == 1
        [stats] = alice.reviews.stats("Neurocomputing")
        assert stats.n == 1
        assert alice.reviews.import_my_submissions().report.skipped == 1  # hers, unchanged
    finally:
        alice.close()
        bob.close()
