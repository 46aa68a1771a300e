"""Who keeps what in a library (issue #18): every person with anything in it, with counts of
their marked papers, tags, feed triage states, feed rules and submissions; the acting person
flagged. Runs on SQLite and PostgreSQL (the acting person is ``db.person`` on both)."""

from __future__ import annotations

import datetime as dt

from scholardesk.domain.papers import PaperRecord
from scholardesk.domain.people import PersonCounts
from scholardesk.services.context import Services
from scholardesk.store.papers_feed_repo import PapersFeedRepository
from scholardesk.store.papers_repo import PapersRepository
from scholardesk.store.people_repo import PeopleRepository
from scholardesk.store.submissions_repo import NewSubmission, SubmissionsRepository


def _three_papers(services: Services) -> list[int]:
    services.papers.import_records([
        PaperRecord(title=t, authors=("A. Author",), year=2024, source_kind="bibtex",
                    source_ref="lab.bib", record_ref=str(i))
        for i, t in enumerate(("Conformer for speech", "Whisper at scale", "语音自监督学习"))])
    return services.papers.list_ids()


def _as_bob(services: Services, ids: list[int]) -> None:
    """Bob marks one paper, tags two, triages three feed works, keeps one rule and two
    manuscripts: a second person on the same library, scoped as Database scopes sessions."""
    with services.db.transaction() as session:
        session.info["person"] = "bob"
        papers = PapersRepository(session)
        papers.set_fields(ids[:1], status="reading")
        papers.add_tags(ids[:2], ["to-cite"])
        feed = PapersFeedRepository(session)
        feed.set_state(["2401.00001", "2401.00002", "2401.00003"], "skipped")
        feed.add_rule("include", "speech")
        subs = SubmissionsRepository(session)
        now = dt.datetime(2026, 12, 1, 9, 0)
        subs.add(NewSubmission(title="Streaming ASR", venue="ICASSP"), now)
        subs.add(NewSubmission(title="低资源语音识别", venue="TASLP"), now)


def test_an_empty_library_lists_only_you_with_nothing(services: Services) -> None:
    with services.db.reading() as session:
        people = PeopleRepository(session).counts()
    assert people == [PersonCounts(person=services.db.person, is_you=True)]
    assert people[0].total == 0


def test_each_person_is_counted_apart_and_you_are_flagged(services: Services) -> None:
    ids = _three_papers(services)
    services.papers.update(ids, status="read", rating=4, add_tags=["asr", "ssl"])
    _as_bob(services, ids)

    with services.db.reading() as session:
        people = {p.person: p for p in PeopleRepository(session).counts()}

    you = services.db.person
    assert set(people) == {you, "bob"}
    # tags: the distinct tags each uses (asr and ssl on three papers are 2 tags, not 6)
    assert people[you] == PersonCounts(person=you, papers_marked=3, tags=2, is_you=True)
    assert people["bob"] == PersonCounts(person="bob", papers_marked=1, tags=1, feed_states=3,
                                         feed_rules=1, submissions=2, is_you=False)


def test_the_acting_person_decides_who_is_you(services: Services) -> None:
    ids = _three_papers(services)
    services.papers.update(ids[:1], status="read")
    _as_bob(services, ids)
    with services.db.reading() as session:
        session.info["person"] = "bob"
        people = PeopleRepository(session).counts()
    assert [p.person for p in people if p.is_you] == ["bob"]
    assert [p.person for p in people] == sorted(p.person for p in people)  # by name


def test_the_service_lists_the_people(services: Services) -> None:
    ids = _three_papers(services)
    _as_bob(services, ids)
    people = services.library.people()
    assert [(p.person, p.is_you) for p in people] == sorted(
        [(services.db.person, True), ("bob", False)])
