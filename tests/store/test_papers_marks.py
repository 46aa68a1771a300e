"""A person's marks in the papers store (issue #18): each session acts as one person
(``store.people``); the Papers table sorted by a mark is cut into windows from two segments
(the marked papers, and the block of papers at the default) and must equal the plain sort."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from scholardesk.domain.papers import PaperFilter, PaperRecord
from scholardesk.services.papers import PapersService
from scholardesk.store.db import Database
from scholardesk.store.papers_repo import PapersRepository

STATUSES = ("unread", "reading", "read")


def _records(n: int) -> list[PaperRecord]:
    return [PaperRecord(title=f"Paper {i} on {'speech' if i % 2 else 'vision'}", year=2020 + i % 5,
                        authors=(f"Author {i}",), source_kind="test", source_ref="marks",
                        record_ref=str(i)) for i in range(n)]


@contextmanager
def acting_as(db: Database, person: str) -> Iterator[PapersRepository]:
    """A transaction acting as ``person`` (what Database does for a member of a shared one)."""
    with db.transaction() as session:
        session.info["person"] = person
        yield PapersRepository(session)


def test_a_sort_by_rating_or_status_is_the_plain_sort_in_every_window(db: Database) -> None:
    svc = PapersService(db)
    svc.import_records(_records(40))
    ids = svc.list_ids()
    rng = random.Random(7)
    marks: dict[int, tuple[str, int]] = {pid: ("unread", 0) for pid in ids}
    for pid in rng.sample(ids, 15):  # some marked, some of them back at a default value
        marks[pid] = (rng.choice(STATUSES), rng.choice((0, 1, 3, 5)))
        svc.update([pid], status=marks[pid][0], rating=marks[pid][1])
    speech = PaperFilter(query="speech")
    speech_ids = set(svc.list_ids(speech))
    with db.reading() as session:
        repo = PapersRepository(session)
        for flt, pool in ((PaperFilter(), set(ids)), (PaperFilter(year_from=2022), None),
                          (PaperFilter(ids=tuple(speech_ids)), speech_ids)):
            members = pool if pool is not None else set(repo.ids(flt))
            for mark, index in (("status", 0), ("rating", 1)):
                for descending in (True, False):
                    expected = sorted(members, key=lambda p: (marks[p][index], p),
                                      reverse=descending)
                    assert repo.ids(flt, mark, descending) == expected, (flt, mark, descending)
                    for offset in (0, 3, 9, 14, 25, 38):
                        for limit in (1, 5, 12):
                            got = repo.ids(flt, mark, descending, limit, offset)
                            assert got == expected[offset : offset + limit], (
                                mark, descending, offset, limit)


def test_marks_and_tags_of_one_person_are_not_anothers(db: Database) -> None:
    PapersService(db).import_records(_records(3))
    with acting_as(db, "alice") as alice:
        first, second, third = alice.ids(PaperFilter(), "added", False)
        alice.set_fields([first], status="read", rating=4, notes="alice's note")
        alice.add_tags([first, second], ["asr"])
    with acting_as(db, "bob") as bob:
        bob.set_fields([first], rating=2)  # bob's own row: alice's is untouched
        assert bob.marks_for([first]) == {first: {"status": "unread", "rating": 2, "notes": ""}}
        assert bob.tags_for([first, second]) == {}
        assert bob.ids(PaperFilter(tag="asr")) == []
        assert bob.ids(PaperFilter(status="unread")) == [third, second, first]
        assert bob.search("alice's") == []
    with acting_as(db, "alice") as alice:
        assert alice.marks_for([first]) == {first: {"status": "read", "rating": 4,
                                                    "notes": "alice's note"}}
        assert alice.ids(PaperFilter(tag="asr")) == [second, first]
        assert alice.ids(PaperFilter(status="unread")) == [third, second]
        assert alice.search("alice's") == [first]
        assert alice.all_tags() == [("asr", 2)]
        alice.delete([first])  # a paper is everyone's: its marks go with it, everyone's
        assert alice.marks_for([first]) == {}
    with acting_as(db, "bob") as bob:
        assert bob.marks_for([first]) == {}


def test_a_personal_library_has_one_person_whatever_settings_say(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'library.sqlite'}", person="alice")
    assert db.person == ""  # its owner: marks made before a name was set stay visible
    db.set_person_name("bob")
    assert db.person == "" and db.person_name == "bob"  # kept for a push to a shared one
    db.dispose()


@pytest.mark.parametrize("value", [0, 5])
def test_setting_a_mark_twice_keeps_one_row(db: Database, value: int) -> None:
    svc = PapersService(db)
    svc.import_records(_records(1))
    (pid,) = svc.list_ids()
    svc.update([pid], rating=3)
    svc.update([pid], rating=value, notes="n")
    with db.reading() as session:
        repo = PapersRepository(session)
        assert repo.marks_for([pid]) == {pid: {"status": "unread", "rating": value, "notes": "n"}}
        assert session.execute(  # one row per person and paper (an upsert, not a second row)
            text("SELECT count(*) FROM paper_marks")).scalar() == 1
