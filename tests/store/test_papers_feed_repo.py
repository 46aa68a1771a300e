"""The feed's store: one entry per work across versions and cross-lists, triage states that
outlive versions, rules, status values, and the library read the ranking learns from."""

from __future__ import annotations

from datetime import datetime, timedelta

from scholardesk.domain.papers import PaperRecord
from scholardesk.store.db import Database
from scholardesk.store.papers_feed_repo import PapersFeedRepository


def _rec(arxiv_id: str, version: int, title: str = "", cats: tuple[str, ...] = ("cs.CL",),
         published: str = "2026-11-30") -> PaperRecord:
    return PaperRecord(
        title=title or f"Paper {arxiv_id} v{version}", source_kind="arxiv", source_ref="test",
        arxiv_id=arxiv_id, arxiv_version=version, categories=cats, authors=("Ada Lovelace",),
        abstract="An abstract.", published=published, venue="", links={"pdf": "http://x/p.pdf"},
        extra={"note": "5 pages"},
    )


def test_a_work_is_one_entry_across_versions_and_cross_lists(db: Database) -> None:
    day1 = datetime(2026, 11, 30, 8, 0)
    with db.transaction() as s:
        got = PapersFeedRepository(s).upsert(
            [(_rec("2611.00001", 1), "cs.CL"), (_rec("2611.00001", 1, cats=("cs.SD", "cs.CL")),
                                                  "cs.SD")], day1)
    assert got.new == ["2611.00001"]
    day2 = day1 + timedelta(days=1)
    with db.transaction() as s:
        got = PapersFeedRepository(s).upsert(
            [(_rec("2611.00001", 2, title="Better title"), "cs.SD")], day2)
    assert got.new == [] and got.newer_version == ["2611.00001"]
    with db.reading() as s:
        entries = PapersFeedRepository(s).entries()
    assert len(entries) == 1
    e = entries[0]
    assert e.arxiv_id == "2611.00001v2" and e.title == "Better title"
    assert e.batch_at == day1 and e.fetched_at == day2  # still the batch that first brought it
    assert e.subscription == "cs.CL"
    assert e.comment == "5 pages" and e.pdf_url == "http://x/p.pdf"


def test_an_older_version_arriving_later_changes_nothing(db: Database) -> None:
    with db.transaction() as s:
        PapersFeedRepository(s).upsert([(_rec("2611.00002", 3, title="v3"), "cs.CL")])
    with db.transaction() as s:
        got = PapersFeedRepository(s).upsert([(_rec("2611.00002", 1, title="v1"), "cs.CL")])
    assert got.unchanged == 1
    with db.reading() as s:
        assert PapersFeedRepository(s).entry("2611.00002").title == "v3"  # type: ignore[union-attr]


def test_entries_come_newest_batch_first_and_since_filters(db: Database) -> None:
    old, new = datetime(2026, 11, 1), datetime(2026, 11, 20)
    with db.transaction() as s:
        repo = PapersFeedRepository(s)
        repo.upsert([(_rec("2611.00010", 1, published="2026-11-01"), "q")], old)
        repo.upsert([(_rec("2611.00011", 1, published="2026-11-19"), "q"),
                     (_rec("2611.00012", 1, published="2026-11-20"), "q")], new)
    with db.reading() as s:
        repo = PapersFeedRepository(s)
        assert [e.work_key for e in repo.entries()] == ["2611.00012", "2611.00011", "2611.00010"]
        assert [e.work_key for e in repo.entries(since=datetime(2026, 11, 10))] == [
            "2611.00012", "2611.00011"]


def test_a_state_outlives_a_new_version_and_seen_never_overrides_a_decision(db: Database) -> None:
    with db.transaction() as s:
        repo = PapersFeedRepository(s)
        repo.upsert([(_rec("2611.00020", 1), "q"), (_rec("2611.00021", 1), "q")])
        repo.set_state(["2611.00020"], "not_interested")
        assert repo.mark_seen(["2611.00020", "2611.00021"]) == 1
        repo.upsert([(_rec("2611.00020", 2), "q")])
    with db.reading() as s:
        repo = PapersFeedRepository(s)
        assert repo.states() == {"2611.00020": "not_interested", "2611.00021": "seen"}
        assert repo.counts() == (2, 0)


def test_rules_are_added_once_listed_in_order_and_removed(db: Database) -> None:
    with db.transaction() as s:
        repo = PapersFeedRepository(s)
        assert repo.add_rule("include", "conformer")
        assert not repo.add_rule("include", "conformer")
        assert repo.add_rule("category", "cs.CV")
    with db.transaction() as s:
        repo = PapersFeedRepository(s)
        assert [(r.kind, r.value) for r in repo.rules()] == [
            ("include", "conformer"), ("category", "cs.CV")]
        assert repo.remove_rule("include", "conformer")
        assert not repo.remove_rule("include", "conformer")
        assert [r.value for r in repo.rules()] == ["cs.CV"]


def test_status_values_are_replaced(db: Database) -> None:
    with db.transaction() as s:
        PapersFeedRepository(s).set_meta({"last_error": "arXiv down", "cursor:1": "2026-11-30"})
    with db.transaction() as s:
        PapersFeedRepository(s).set_meta({"last_error": ""})
    with db.reading() as s:
        assert PapersFeedRepository(s).meta() == {"last_error": "", "cursor:1": "2026-11-30"}
