"""arXiv API and Crossref clients against a local HTTP server: paging, 429, 500, hang-ups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.errors import NetworkError
from scholardesk.sources.arxiv_source import ArxivApi
from scholardesk.sources.crossref_works import CrossrefWorks
from scholardesk.sources.http import HttpPolicy, PoliteClient


def fast_client() -> PoliteClient:
    return PoliteClient(HttpPolicy(timeout_s=2, max_retries=2, backoff_s=0.01, default_interval_s=0))


def atom_page(entries: list[tuple[str, str]], total: int, start: int = 0) -> bytes:
    """A synthetic arXiv feed; entries are (id with version, published date)."""
    body = "".join(
        f"<entry><id>http://arxiv.org/abs/{i}</id><published>{d}T00:00:00Z</published>"
        f"<title>Paper {i}</title><author><name>Ann Example</name></author>"
        f'<arxiv:primary_category term="cs.CL"/></entry>'
        for i, d in entries
    )
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        f"<opensearch:totalResults>{total}</opensearch:totalResults>"
        f"<opensearch:startIndex>{start}</opensearch:startIndex>{body}</feed>"
    ).encode()


def test_fetch_ids_parses_the_real_response(local_server: Any, real_fixture: Callable[[str], Path]) -> None:
    body = real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml").read_bytes()
    local_server.routes["/api/query"] = [(200, {"Content-Type": "application/atom+xml"}, body)]
    api = ArxivApi(fast_client(), f"{local_server.base_url}/api/query")
    feed = api.fetch_ids(["1111.2011v2"])
    assert [r.arxiv_id for r in feed.records] == ["1111.2011"]
    assert "id_list=1111.2011v2" in local_server.requests[0]


def test_429_with_retry_after_then_success(local_server: Any, real_fixture: Callable[[str], Path]) -> None:
    body = real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml").read_bytes()
    local_server.routes["/api/query"] = [
        (429, {"Retry-After": "0"}, b"slow down"),
        (500, {}, b"oops"),
        (200, {}, body),
    ]
    api = ArxivApi(fast_client(), f"{local_server.base_url}/api/query")
    assert len(api.fetch_ids(["1111.2011"]).records) == 1
    assert len(local_server.requests) == 3


def test_server_errors_become_a_network_error(local_server: Any) -> None:
    local_server.routes["/api/query"] = [(503, {}, b"down")]
    api = ArxivApi(fast_client(), f"{local_server.base_url}/api/query")
    with pytest.raises(NetworkError, match="503"):
        api.fetch_ids(["2401.16650"])


def test_hang_up_becomes_a_network_error(local_server: Any) -> None:
    local_server.routes["/api/query"] = [(200, {}, None)]
    api = ArxivApi(fast_client(), f"{local_server.base_url}/api/query")
    with pytest.raises(NetworkError, match="did not answer"):
        api.fetch_ids(["2401.16650"])


def test_search_pages_follow_start_until_total(local_server: Any) -> None:
    local_server.routes["/api/query"] = [
        (200, {}, atom_page([("2401.00003v1", "2024-01-03"), ("2401.00002v1", "2024-01-02")], 3)),
        (200, {}, atom_page([("2401.00001v1", "2024-01-01")], 3, 2)),
    ]
    api = ArxivApi(fast_client(), f"{local_server.base_url}/api/query", page_size=2)
    pages = list(api.search_pages("cat:cs.CL", max_results=10))
    assert [r.arxiv_id for p in pages for r in p.records] == ["2401.00003", "2401.00002", "2401.00001"]
    assert "start=0" in local_server.requests[0] and "start=2" in local_server.requests[1]
    assert "sortBy=submittedDate" in local_server.requests[0]


def test_crossref_work_and_unknown_doi(local_server: Any, real_fixture: Callable[[str], Path]) -> None:
    body = real_fixture("crossref/habanero_work_springer_srep16696.json").read_bytes()
    local_server.routes["/works/10.1038/srep16696"] = [(200, {"Content-Type": "application/json"}, body)]
    local_server.routes["/works/10.9999/nothing"] = [(404, {}, b"Resource not found.")]
    cr = CrossrefWorks(fast_client(), local_server.base_url)
    rec = cr.fetch("10.1038/srep16696")
    assert rec is not None
    assert rec.title.startswith("Single-molecule FRET studies on alpha-synuclein")
    assert (rec.venue, rec.year, rec.doi) == ("Scientific Reports", 2015, "10.1038/srep16696")
    assert rec.authors[:2] == ("Laura Tosatto", "Mathew H. Horrocks")
    assert rec.abstract.startswith("Oligomers of alpha-synuclein")
    assert cr.fetch("10.9999/nothing") is None


def test_crossref_garbage_is_a_network_error(local_server: Any) -> None:
    local_server.routes["/works/10.1000/x"] = [(200, {}, b"<html>not json</html>")]
    with pytest.raises(NetworkError, match="not JSON"):
        CrossrefWorks(fast_client(), local_server.base_url).fetch("10.1000/x")
