"""The papers feed as a user meets it: update from the subscriptions (through the arxiv package
against a local server serving recorded arXiv answers), one line per work across versions and
cross-lists, arXiv down or talking nonsense, malformed entries, feedback, rules."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.config import Settings
from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.services.context import Services
from scholardesk.sources.atom import parse_atom

ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}
TESTING = "arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json"  # software/DL testing papers
PHYSICS = "arxiv/arxivpy_search_au_del_maestro.xml"  # condensed-matter physics papers


def recorded_entries(real_fixture: Callable[[str], Path], name: str) -> list[str]:
    path = real_fixture(name)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        text = str(json.loads(text)["body"])
    return re.findall(r"<entry>.*?</entry>", text, flags=re.S)


def feed(entries: list[str]) -> bytes:
    """An arXiv answer (2026 format) of these recorded entries, newest submission first."""
    def published(e: str) -> str:
        m = re.search(r"<published>(.*?)</published>", e)
        return m.group(1) if m else ""

    ordered = sorted(entries, key=published, reverse=True)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
        "<id>https://arxiv.org/api/test</id><title>arXiv Query</title>"
        "<updated>2026-12-01T00:00:00Z</updated>\n"
        f"<opensearch:itemsPerPage>{len(ordered)}</opensearch:itemsPerPage>\n"
        f"<opensearch:totalResults>{len(ordered)}</opensearch:totalResults>\n"
        "<opensearch:startIndex>0</opensearch:startIndex>\n"
        + "\n".join(ordered) + "\n</feed>\n"
    ).encode("utf-8")


def new_version(entry: str, title: str) -> str:
    """The same work in its next version with another title (arXiv keeps the first version's
    date)."""
    entry = re.sub(r"(abs/[\w./-]+?)v(\d+)<", lambda m: f"{m.group(1)}v{int(m.group(2)) + 1}<",
                   entry)
    return re.sub(r"<title>.*?</title>", f"<title>{title}</title>", entry, count=1, flags=re.S)


def point_at(services: Services, server: Any) -> None:
    services.settings = Settings(
        service_urls={"arxiv": server.base_url + "/api/query"},
        arxiv_interval_s=0.0, max_retries=0, timeout_s=5.0,
    )


def serve(server: Any, body: bytes, status: int = 200) -> None:
    server.routes["/api/query"] = [(status, ATOM, body)]


def test_without_subscriptions_update_says_to_subscribe(services: Services) -> None:
    with pytest.raises(InputError, match="Subscribe first"):
        services.papers_feed.update()


def test_a_cross_listed_paper_is_one_line_across_subscriptions(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    entries = recorded_entries(real_fixture, TESTING)
    serve(local_server, feed(entries))  # both subscriptions answer the same papers
    services.papers.subscribe("cs.SE")
    services.papers.subscribe("cs.AI")
    report = services.papers_feed.update()
    assert report.new == 10 and report.failed == {}
    assert report.per_subscription == {"cs.SE": 10, "cs.AI": 0}
    queries = [q for q in local_server.requests if "search_query=cat%3Acs.SE" in q]  # type: ignore[attr-defined]
    assert queries and "sortBy=submittedDate" in queries[0]
    status = services.papers_feed.status()
    assert status.entries == 10 and status.unseen == 10
    assert status.last_success_at is not None and status.last_error == ""


def test_a_new_version_replaces_the_old_one_and_keeps_the_decision(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    entries = recorded_entries(real_fixture, TESTING)
    serve(local_server, feed(entries))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    newest = parse_atom(feed(entries)).records[0]
    services.papers_feed.skip(newest.arxiv_id or "")
    serve(local_server, feed([new_version(e, "A Second Version") if newest.arxiv_id in e else e
                              for e in entries]))
    report = services.papers_feed.update()
    assert report.new == 0 and report.newer_versions == 1
    status = services.papers_feed.status()
    assert status.entries == 10 and status.unseen == 9  # still one line, still skipped


def test_arxiv_unreachable_or_answering_garbage_keeps_the_feed_and_says_why(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    serve(local_server, feed(recorded_entries(real_fixture, TESTING)))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    before = services.papers_feed.status()

    serve(local_server, b"<html><body>Service temporarily unavailable</body></html>")
    report = services.papers_feed.update()
    assert "cs.SE" in report.failed and "not an Atom feed" in report.failed["cs.SE"]
    after = services.papers_feed.status()
    assert after.entries == 10
    assert after.last_success_at == before.last_success_at
    assert "not an Atom feed" in after.last_error

    services.settings = Settings(service_urls={"arxiv": "http://127.0.0.1:9/api/query"},
                                 arxiv_interval_s=0.0, max_retries=0, timeout_s=2.0)
    services.papers_feed.update()
    status = services.papers_feed.status()
    assert "arXiv did not answer" in status.last_error and status.entries == 10

    point_at(services, local_server)
    serve(local_server, feed(recorded_entries(real_fixture, TESTING)))
    services.papers_feed.update()
    assert services.papers_feed.status().last_error == ""  # a good update clears it


def test_a_malformed_entry_is_skipped_and_counted_and_the_rest_kept(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    entries = recorded_entries(real_fixture, TESTING)
    entries[3] = re.sub(r"<author>.*?</author>", "", entries[3], flags=re.S)
    serve(local_server, feed(entries))
    services.papers.subscribe("cs.SE")
    report = services.papers_feed.update()
    assert report.malformed == 1 and report.new == 9
    assert "has no authors" in report.errors[0].message
    assert services.papers_feed.status().last_malformed == 1


def test_the_next_update_brings_only_what_is_newer_than_the_last_one(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    by_date = parse_atom(feed(recorded_entries(real_fixture, TESTING))).records  # newest first
    entries = recorded_entries(real_fixture, TESTING)
    oldest = [e for e in entries if any(r.arxiv_id in e for r in by_date[5:])]
    serve(local_server, feed(oldest))
    services.papers.subscribe("cs.SE")
    assert services.papers_feed.update().new == 5
    serve(local_server, feed(entries))
    assert services.papers_feed.update().new == 5
    assert services.papers_feed.status().entries == 10


def test_feedback_on_a_paper_not_in_the_feed_says_how_to_get_it(services: Services) -> None:
    with pytest.raises(NotFoundError, match="not in the feed"):
        services.papers_feed.skip("2501.00001")


def test_rules_are_checked_added_listed_and_removed(services: Services) -> None:
    feed_svc = services.papers_feed
    assert feed_svc.add_rule("include", "  conformer ")
    assert not feed_svc.add_rule("include", "conformer")
    assert feed_svc.add_rule("category", "cs.CV")
    with pytest.raises(InputError, match="not an arXiv category"):
        feed_svc.add_rule("category", "computer vision")
    with pytest.raises(InputError, match="Unknown rule kind"):
        feed_svc.add_rule("colour", "red")
    assert [(r.kind, r.value) for r in feed_svc.rules()] == [
        ("include", "conformer"), ("category", "cs.CV")]
    assert feed_svc.remove_rule("include", "conformer")
    assert [r.value for r in feed_svc.rules()] == ["cs.CV"]


# -- ranking the view -------------------------------------------------------------------------


def _library_with_physics_positives(
    services: Services, real_fixture: Callable[[str], Path], n: int = 5
) -> list[str]:
    """The ten physics papers in the library, the first ``n`` tagged "physics"; returns the
    arXiv ids of the other ones (the feed brings those)."""
    services.papers.import_files([real_fixture(PHYSICS)])
    rows = services.papers.list_papers()
    by_id = {r.arxiv_id: r.id for r in rows}
    ordered = [r.arxiv_id for r in parse_atom(real_fixture(PHYSICS).read_bytes()).records]
    services.papers.update([by_id[a] for a in ordered[:n]], add_tags=["physics"])
    return [a for a in ordered[n:] if a]


def _physics_entries(real_fixture: Callable[[str], Path], ids: list[str]) -> list[str]:
    return [e for e in recorded_entries(real_fixture, PHYSICS)
            if any(f"abs/{a}v" in e for a in ids)]


def test_papers_like_the_tagged_ones_come_first_with_the_tag_suggested(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    rest = _library_with_physics_positives(services, real_fixture)
    serve(local_server, feed(_physics_entries(real_fixture, rest)
                             + recorded_entries(real_fixture, TESTING)))
    services.papers.subscribe("cond-mat.str-el")
    assert services.papers_feed.update().new == 15
    view = services.papers_feed.view()
    assert view.method == "model" and view.positives == 5
    assert len(view.rows) == 15
    top = view.rows[:5]
    assert {r.arxiv_id.split("v")[0] for r in top} == set(rest)
    # each says why ("like your tag physics: luttinger, order, liquid")
    assert all(r.reasons and r.reasons[-1].startswith("like your ") for r in top)
    # the tag is suggested for physics papers only, never for a software-testing one
    assert any("physics" in r.tags_suggested for r in top)
    assert not any("physics" in r.tags_suggested for r in view.rows[5:])
    assert all(r.in_library for r in top) and not any(r.in_library for r in view.rows[5:])
    assert view.rows[0].venue  # arXiv's journal_ref is the venue
    assert len(services.papers_feed.view(top=3).rows) == 3


def test_each_paper_is_suggested_the_tag_it_is_like(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    rest = _library_with_physics_positives(services, real_fixture)
    services.papers.import_files([real_fixture(TESTING)])
    testing = [r.arxiv_id for r in parse_atom(feed(recorded_entries(real_fixture, TESTING)))
               .records]
    ids = {r.arxiv_id: r.id for r in services.papers.list_papers()}
    services.papers.update([ids[a] for a in testing[:4]], add_tags=["testing"])
    serve(local_server, feed(_physics_entries(real_fixture, rest)
                             + [e for e in recorded_entries(real_fixture, TESTING)
                                if not any(f"abs/{a}v" in e for a in testing[:4])]))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    view = services.papers_feed.view()
    assert view.method == "model" and view.positives == 9 and len(view.rows) == 11
    for row in view.rows:
        expected = "physics" if row.work_key in rest else "testing"
        other = "testing" if expected == "physics" else "physics"
        assert other not in row.tags_suggested, (row.title, row.tags_suggested)
    physics_rows = [r for r in view.rows if r.work_key in rest]
    assert all(r.tags_suggested[:1] == ("physics",) for r in physics_rows)
    only = services.papers_feed.view(tag="physics")
    assert {r.work_key for r in only.rows} == set(rest)


def test_feedback_changes_the_order(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    physics = parse_atom(feed(recorded_entries(real_fixture, PHYSICS))).records
    serve(local_server, feed(recorded_entries(real_fixture, PHYSICS)
                             + recorded_entries(real_fixture, TESTING)))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    before = services.papers_feed.view()
    assert before.method == "keywords" and before.positives == 0
    testing_ids = {r.arxiv_id for r in parse_atom(feed(recorded_entries(real_fixture, TESTING)))
                   .records}
    # with no positives the newest come first: the 2020s testing papers, then physics and
    # the two 2012 testing papers mixed by date
    liked = physics[0]
    services.papers_feed.like(liked.arxiv_id or "", "physics")
    after = services.papers_feed.view()
    assert after.positives == 1
    assert liked.arxiv_id not in {r.work_key for r in after.rows}
    # one physics paper liked: the other physics papers now come before every testing paper
    kinds = ["testing" if r.work_key in testing_ids else "physics" for r in after.rows]
    assert kinds == ["physics"] * 9 + ["testing"] * 10
    assert [r.work_key for r in before.rows] != [r.work_key for r in after.rows]
    assert services.papers.list_papers()[0].tags == ("physics",)


def test_not_interested_papers_leave_the_view_and_teach_the_ranking(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    rest = _library_with_physics_positives(services, real_fixture)
    serve(local_server, feed(_physics_entries(real_fixture, rest)
                             + recorded_entries(real_fixture, TESTING)))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    first = services.papers_feed.view()
    for row in first.rows[:2]:
        services.papers_feed.not_interested(row.arxiv_id)
    services.papers_feed.skip(first.rows[2].arxiv_id)
    second = services.papers_feed.view()
    assert second.negatives == 2
    assert len(second.rows) == 12
    assert not {r.work_key for r in first.rows[:3]} & {r.work_key for r in second.rows}


def test_rules_drop_and_boost_before_ranking(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    rest = _library_with_physics_positives(services, real_fixture)
    serve(local_server, feed(_physics_entries(real_fixture, rest)
                             + recorded_entries(real_fixture, TESTING)))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    services.papers_feed.add_rule("category", "cond-mat")
    services.papers_feed.add_rule("author", "Robert Feldt")
    view = services.papers_feed.view()
    assert len(view.rows) == 10 and len(view.dropped) == 5
    assert all(why.startswith("muted category cond-mat") for why in view.dropped.values())
    assert "followed author Robert Feldt" in view.rows[0].reasons[0]


def test_the_newest_batch_comes_first_whatever_the_scores(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    point_at(services, local_server)
    rest = _library_with_physics_positives(services, real_fixture)
    serve(local_server, feed(_physics_entries(real_fixture, rest)))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    serve(local_server, feed(recorded_entries(real_fixture, TESTING)))
    import time

    time.sleep(1.1)  # batch times have one-second resolution
    second = services.papers_feed.update().new
    assert second > 0
    rows = services.papers_feed.view().rows
    testing_ids = {r.arxiv_id for r in parse_atom(feed(recorded_entries(real_fixture, TESTING)))
                   .records}
    assert all(r.work_key in testing_ids for r in rows[:second])
    assert all(r.work_key not in testing_ids for r in rows[second:])
    scores = [r.score for r in rows[:second]]
    assert scores == sorted(scores, reverse=True)  # best first within the batch


def test_adding_to_the_library_is_one_action_the_paper_and_its_triage_state_or_neither(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scholardesk.store.papers_feed_repo import PapersFeedRepository

    point_at(services, local_server)
    serve(local_server, feed(recorded_entries(real_fixture, TESTING)))
    services.papers.subscribe("cs.SE")
    services.papers_feed.update()
    newest = parse_atom(feed(recorded_entries(real_fixture, TESTING))).records[0]
    before = services.papers.count()

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(PapersFeedRepository, "set_state", broken)
    with pytest.raises(RuntimeError):
        services.papers_feed.like(newest.arxiv_id or "", "testing")
    assert services.papers.count() == before  # no paper without its "added" state
    monkeypatch.undo()
    services.papers_feed.like(newest.arxiv_id or "", "testing")
    assert services.papers.count() == before + 1
    assert services.papers_feed.status().unseen == 9
