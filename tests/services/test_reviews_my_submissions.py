"""The user's own accepted manuscripts (Submissions, pasted from the real seed histories) as the
"my submissions" source of the review-time statistics, next to real Crossref articles; and the
PubMed contact e-mail taken from the settings of the moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.config import Settings
from scholardesk.domain.reviews import ArticleQuery
from scholardesk.services.context import Services
from scholardesk.services.reviews import MY_SUBMISSIONS, SHARED_MANUSCRIPT_TITLE, ReviewsService

Fixture = Callable[[str], Path]
DATA = Path(__file__).resolve().parents[1] / "data" / "submissions"
ECOLOGY = "crossref/habanero_works_query_ecology_author_boettiger_20items.json"
MEE = "Methods in Ecology and Evolution"
JMSE = "Journal of Marine Science and Engineering"


def _text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def services_today(services: Services) -> Services:
    services.submissions.today = lambda: dt.date(2025, 1, 10)
    return services


def _mine(svc: ReviewsService, journal: str = "") -> list[Any]:
    return [r for r in svc.articles(ArticleQuery(journal=journal)) if r.history.source == MY_SUBMISSIONS]


def test_seed_histories_feed_their_journals_and_rerunning_changes_nothing(
    services_today: Services, real_fixture: Fixture
) -> None:
    services = services_today
    reviews = services.reviews
    reviews.import_files([real_fixture(ECOLOGY)])
    [before] = reviews.stats("2041-210X")
    assert (before.n, before.excluded, before.median_days) == (4, 1, 92.5)
    # seed line 109 (accepted 2022-10-13), logged against MEE with the note people add
    services.submissions.import_text(_text("seed109_flattened.txt"), MEE + "（二区）", "My model")
    # seed line 8225: eight venues, accepted at the last one (JMSE, no articles here yet)
    services.submissions.import_text(_text("seed8225_chain.txt"), title="Ocean robot")

    result = reviews.import_my_submissions()
    assert (result.report.imported, result.report.updated, result.removed) == (2, 0, 0)
    assert result.changes
    by_venue = {r["venue"]: r for r in result.records}
    assert by_venue[MEE + "（二区）"]["journal"] == MEE
    assert by_venue[MEE + "（二区）"]["issn"] == "2041-210X"  # identity by name, ISSN adopted
    assert by_venue[MEE + "（二区）"]["received_accepted_days"] == 130
    assert by_venue[JMSE]["issn"] == "" and by_venue[JMSE]["received_accepted_days"] == 27

    # the MEE statistics (by ISSN and by name) now count it: 1, 85, 100, 112 and 130 days
    for key in ("2041-210X", MEE):
        [s] = reviews.stats(key)
        assert (s.n, s.excluded, s.median_days) == (5, 1, 100.0)
    [row] = _mine(reviews, "2041-210X")
    h = row.history
    # (in a shared library, the PostgreSQL run: the dates count for all, the title is private)
    title = "My model" if services.db.is_sqlite else SHARED_MANUSCRIPT_TITLE
    assert (h.title, h.received, h.revised, h.accepted) == (
        title, dt.date(2022, 6, 5), dt.date(2022, 9, 6), dt.date(2022, 10, 13))
    assert row.to_json()["source"] == "my submissions"
    # JMSE is a journal of its own, found by name, with all four intervals of the seed
    [jmse] = _mine(reviews, JMSE)
    assert (jmse.history.days("received-accepted"), jmse.history.days("received-revised"),
            jmse.history.days("accepted-online")) == (27, 24, 6)
    assert jmse.history.online == dt.date(2021, 8, 24)
    assert JMSE in [j.journal for j in reviews.journals()]
    [s] = reviews.stats(JMSE)
    assert s.n == 1 and s.warning is not None

    again = reviews.import_my_submissions()
    assert (again.report.imported, again.report.updated, again.report.skipped, again.removed) == (
        0, 0, 2, 0)
    assert not again.changes
    assert len(_mine(reviews)) == 2


def test_sync_adopts_issns_updates_and_removes(
    services_today: Services, real_fixture: Fixture
) -> None:
    services = services_today
    reviews = services.reviews
    services.submissions.import_text(_text("seed8225_chain.txt"), title="Ocean robot")
    assert reviews.import_my_submissions().report.imported == 1
    # later the journal's own articles arrive, with its ISSN: the record takes the ISSN
    from scholardesk.services.reviews import history_from_fields

    reviews.add_manual(history_from_fields({
        "journal": JMSE, "issn": "2077-1312", "doi": "10.3390/jmse9091000",
        "received": "2021-07-01", "accepted": "2021-08-20"}))
    result = reviews.import_my_submissions()
    assert (result.report.updated, result.report.imported) == (1, 0)
    [s] = reviews.stats("2077-1312")
    assert s.n == 2 and sorted(r.history.source for r in reviews.articles(
        ArticleQuery(journal="2077-1312"))) == ["manual", MY_SUBMISSIONS]
    # the submission goes away: so does its record
    [accepted] = [x for x in services.submissions.all() if x.venue == JMSE]
    services.submissions.delete([accepted.id])
    gone = reviews.import_my_submissions()
    assert gone.removed == 1 and gone.changes
    assert _mine(reviews) == []
    [s] = reviews.stats("2077-1312")
    assert s.n == 1


def test_sample_submissions_never_leak_and_sample_cleanup_keeps_mine(
    services_today: Services,
) -> None:
    services = services_today
    services.submissions.load_sample()  # includes the accepted JMSE manuscript of seed 8225
    services.reviews.load_sample()
    result = services.reviews.import_my_submissions()
    assert result.records == [] and result.report.imported == 0
    assert _mine(services.reviews) == []
    services.submissions.import_text(_text("seed109_flattened.txt"), "Neurocomputing", "Mine")
    assert services.reviews.import_my_submissions().report.imported == 1
    services.reviews.delete_sample()
    [row] = _mine(services.reviews)
    assert row.history.journal == "Neurocomputing" and not row.history.is_sample


def test_a_manuscript_already_listed_from_crossref_is_not_counted_twice(
    services_today: Services, real_fixture: Fixture
) -> None:
    services = services_today
    services.reviews.import_files([real_fixture(ECOLOGY)])
    # the same article, logged by its author (plain hyphen where Crossref has U+2010)
    title = "Synthesizing forecasts to inform decision-making and advance ecological theory"
    services.submissions.import_text(_text("seed109_flattened.txt"), MEE, title)
    result = services.reviews.import_my_submissions()
    assert [r["status"] for r in result.records] == ["duplicate"]
    assert result.report.imported == 0 and _mine(services.reviews) == []
    [s] = services.reviews.stats("2041-210X")
    assert s.n == 4


def test_remove_my_submissions(services_today: Services) -> None:
    services = services_today
    services.submissions.import_text(_text("seed109_flattened.txt"), "Neurocomputing", "Mine")
    services.reviews.import_my_submissions()
    removed = services.reviews.remove_my_submissions()
    assert removed.removed == 1 and removed.changes
    assert services.reviews.journals() == []


def test_pubmed_e_mail_follows_the_settings(
    services: Services, local_server: Any, real_fixture: Fixture
) -> None:
    """After the user changes Settings, PubMed requests carry the new contact e-mail."""
    services.apply_settings(Settings(contact_email="old@example.org", publisher_rate=50.0))
    reviews = services.reviews  # built once, like in the running app
    reviews.eutils_base = local_server.base_url
    local_server.routes["/esearch.fcgi"] = [
        (200, {}, b'{"esearchresult": {"count": "1", "idlist": ["27797938"]}}')]
    local_server.routes["/efetch.fcgi"] = [
        (200, {}, real_fixture("pubmed/biopython_pubmed4.xml").read_bytes())]
    reviews.collect("1468-3288", "pubmed", date_from="2016-01-01")
    assert all("email=old%40example.org" in r for r in local_server.requests)
    services.apply_settings(Settings(contact_email="new@example.org", publisher_rate=50.0))
    local_server.requests.clear()
    result = reviews.collect("1468-3288", "pubmed", date_from="2017-01-01")
    assert result.done and len(local_server.requests) == 2
    assert all("email=new%40example.org" in r for r in local_server.requests)
    assert not any("old%40example.org" in r for r in local_server.requests)
