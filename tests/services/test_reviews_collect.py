"""Collecting over HTTP against a local server that serves the real recorded Crossref bodies
(and a real PubMed efetch body), with cursor paging, 429 + Retry-After, 500, resumption after
a failure or a cancel, and robots.txt for publisher pages. No test touches the network."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.errors import Cancelled, NetworkError
from scholardesk.core.progress import Progress
from scholardesk.domain.reviews import ArticleQuery
from scholardesk.services.context import Services
from scholardesk.services.reviews import ReviewsService
from scholardesk.sources.http import HttpPolicy, PoliteClient

Fixture = Callable[[str], Path]
DATA = Path(__file__).resolve().parents[1] / "data" / "reviews"
WORKS = "/journals/2041-210X/works"


def _page(real_fixture: Fixture, name: str, next_cursor: str | None, **changes: Any) -> bytes:
    """A real recorded works-list body with the cursor Crossref adds when paging."""
    doc = json.loads(real_fixture(f"crossref/{name}").read_bytes())
    if next_cursor:
        doc["message"]["next-cursor"] = next_cursor
    doc["message"].update(changes)
    return json.dumps(doc).encode()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[PoliteClient]:
    http = PoliteClient(HttpPolicy(contact_email="me@example.org", max_retries=2, backoff_s=0.05,
                                   timeout_s=5, cache_dir=tmp_path / "cache"))
    yield http
    http.close()


def _service(services: Services, client: PoliteClient, server: Any) -> ReviewsService:
    return ReviewsService(services.db, lambda: client, services.paths, services.settings,
                          crossref_base=server.base_url, eutils_base=server.base_url)


def test_crossref_cursor_paging_with_429_and_500(
    services: Services, client: PoliteClient, local_server: Any, real_fixture: Fixture
) -> None:
    p1 = _page(real_fixture, "habanero_works_query_ecology_author_boettiger_20items.json", "C2")
    p2 = _page(real_fixture, "commonmeta-py_works_sample5_tandf_elsevier_ieee.json", "C3",
               **{"total-results": 1253})
    p3 = _page(real_fixture, "dissemin_crossref_batch_elsevier_ieee.json", "C4", items=[],
               **{"total-results": 1253})
    local_server.routes[WORKS] = [
        (429, {"Retry-After": "1"}, b"slow down"),
        (200, {"Content-Type": "application/json"}, p1),
        (500, {}, b"oops"),
        (200, {"Content-Type": "application/json"}, p2),
        (200, {"Content-Type": "application/json"}, p3),
    ]
    svc = _service(services, client, local_server)
    started = time.monotonic()
    result = svc.collect("2041-210X", "crossref", date_from="2010-01-01", date_to="2025-12-31")
    assert time.monotonic() - started >= 0.9  # Retry-After: 1 was honoured
    assert result.pages == 3 and result.done and not result.resumed
    assert (result.report.imported, result.report.skipped) == (13, 12)
    cursors = [r.split("cursor=")[1].split("&")[0] for r in local_server.requests]
    assert cursors == ["%2A", "%2A", "C2", "C2", "C3"]
    assert "from-pub-date%3A2010-01-01" in local_server.requests[0]
    [s] = svc.stats("2041-210X")
    assert (s.n, s.excluded) == (4, 1)
    assert svc.journals()
    with services.db.reading() as session:
        from scholardesk.store.reviews_repo import ReviewsRepository

        state = ReviewsRepository(session).crawl_state("crossref", "2041-210X", "2010-01-01",
                                                       "2025-12-31")
    assert state is not None and state["done"] and state["pages"] == 3


def test_an_interrupted_crawl_resumes_where_it_stopped(
    services: Services, client: PoliteClient, local_server: Any, real_fixture: Fixture
) -> None:
    p1 = _page(real_fixture, "habanero_works_query_ecology_author_boettiger_20items.json", "C2")
    p2 = _page(real_fixture, "commonmeta-py_works_sample5_tandf_elsevier_ieee.json", "C3",
               **{"total-results": 25})
    local_server.routes[WORKS] = [(200, {}, p1), (500, {}, b"down")]
    svc = _service(services, client, local_server)
    with pytest.raises(NetworkError, match="HTTP 500"):
        svc.collect("2041-210X", "crossref")
    assert len(svc.articles()) == 12  # page 1 was stored before the failure

    local_server.requests.clear()
    local_server.routes[WORKS] = [(200, {}, p2)]
    result = svc.collect("2041-210X", "crossref")
    assert result.resumed and result.done
    assert "cursor=C2" in local_server.requests[0]
    assert result.report.imported == 1 and result.seen == 25


def test_cancel_stops_after_the_current_page(
    services: Services, client: PoliteClient, local_server: Any, real_fixture: Fixture
) -> None:
    p1 = _page(real_fixture, "habanero_works_query_ecology_author_boettiger_20items.json", "C2")
    local_server.routes[WORKS] = [(200, {}, p1)]
    svc = _service(services, client, local_server)
    progress: Progress

    def listener(state: Any) -> None:
        if state.done >= 20:
            progress.cancel()

    progress = Progress(listener)
    with pytest.raises(Cancelled):
        svc.collect("2041-210X", "crossref", progress=progress)
    assert len(svc.articles()) == 12
    assert len(local_server.requests) == 1


def test_max_articles_and_resume(
    services: Services, client: PoliteClient, local_server: Any, real_fixture: Fixture
) -> None:
    p1 = _page(real_fixture, "habanero_works_query_ecology_author_boettiger_20items.json", "C2")
    local_server.routes[WORKS] = [(200, {}, p1)]
    svc = _service(services, client, local_server)
    result = svc.collect("2041-210X", "crossref", max_articles=5)
    assert result.seen == 5 and not result.done
    assert "rows=5" in local_server.requests[0]


def test_publisher_pages_respect_robots_txt(
    services: Services, client: PoliteClient, local_server: Any, real_fixture: Fixture
) -> None:
    base = local_server.base_url
    doc = json.loads(real_fixture("crossref/dissemin_crossref_batch_elsevier_ieee.json").read_bytes())
    urls = [f"{base}/article/gsd", f"{base}/private/synasc"]
    for item, url in zip(doc["message"]["items"], urls, strict=True):
        item["resource"] = {"primary": {"URL": url}}
    doc["message"]["next-cursor"] = "C2"
    local_server.routes[WORKS] = [(200, {}, json.dumps(doc).encode())]
    local_server.routes["/robots.txt"] = [(200, {}, b"User-agent: *\nDisallow: /private/\n")]
    sd = real_fixture("publisher_html/papis_ScienceDirect_S0009261497040141.html").read_bytes()
    local_server.routes["/article/gsd"] = [(200, {"Content-Type": "text/html"}, sd)]
    svc = _service(services, client, local_server)
    result = svc.collect("2041-210X", "pages")
    assert result.report.imported == 1
    [error] = result.report.errors
    assert "robots.txt" in error.message and error.record == "10.1109/synasc.2010.88"
    assert not any("/private/" in r for r in local_server.requests)
    [row] = svc.articles(ArticleQuery(journal="Groundwater for Sustainable Development"))
    assert row.history.doi == "10.1016/j.gsd.2018.08.007"
    assert row.history.received is not None and row.history.source == "html"


def test_pubmed_collect(
    services: Services, client: PoliteClient, local_server: Any, real_fixture: Fixture
) -> None:
    local_server.routes["/esearch.fcgi"] = [
        (200, {}, b'{"esearchresult": {"count": "1", "idlist": ["27797938"]}}')]
    local_server.routes["/efetch.fcgi"] = [
        (200, {}, real_fixture("pubmed/biopython_pubmed4.xml").read_bytes())]
    svc = _service(services, client, local_server)
    result = svc.collect("1468-3288", "pubmed", date_from="2016-01-01")
    assert result.done and result.report.imported == 1
    assert "1468-3288%5BISSN%5D" in local_server.requests[0]
    [s] = svc.stats("1468-3288", interval="received-revised")
    assert s.n == 1 and s.median_days == 56
