"""Live arXiv queries through the ``arxiv`` package, against a local server serving the recorded
arXiv answers (../shared/fixtures/arxiv/): paging, the mirror base address, our User-Agent,
malformed entries counted, unreachable or garbage answers as NetworkErrors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from scholardesk.core.errors import NetworkError
from scholardesk.sources.arxiv_client import ArxivClient, ArxivClientSettings
from tests.conftest import ScriptedHandler

ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}


def _body(path: Path) -> bytes:
    if path.suffix == ".json":
        return str(json.loads(path.read_text(encoding="utf-8"))["body"]).encode("utf-8")
    return path.read_bytes()


def _client(server: Any, path: str = "/api/query", **kw: Any) -> ArxivClient:
    settings = ArxivClientSettings(
        base_url=server.base_url + path, delay_s=0.0, retries=kw.pop("retries", 1), **kw
    )
    return ArxivClient(settings)


def _queries(server: Any) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(p).query) for p in server.requests]


def test_a_recorded_answer_becomes_paper_records_with_doi_venue_and_categories(
    local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    body = _body(real_fixture("arxiv/arxivpy_search_au_del_maestro.xml"))
    local_server.routes["/api/query"] = [(200, ATOM, body)]  # type: ignore[attr-defined]
    got = _client(local_server).fetch("au:del_maestro", max_results=10)
    assert len(got.records) == 10
    assert got.errors == []
    first = got.records[0]
    assert first.source_kind == "arxiv"
    assert first.arxiv_id and first.arxiv_version is not None
    assert all(r.doi and r.venue for r in got.records)  # every entry there has doi + journal_ref
    assert all(r.categories and r.categories[0].startswith("cond-mat") for r in got.records)
    assert any(r.arxiv_id == "cond-mat/0412498" for r in got.records)  # old-style id
    assert all(r.links.get("pdf", "").startswith("http") for r in got.records)
    assert all(r.published and r.authors and r.abstract for r in got.records)


def test_the_query_is_sent_newest_first_to_the_mirror_base_address(
    local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    body = _body(real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml"))
    local_server.routes["/mirror/arxiv/api/query"] = [(200, ATOM, body)]  # type: ignore[attr-defined]
    got = _client(local_server, "/mirror/arxiv/api/query").fetch("cat:cond-mat.str-el", 5)
    assert [r.arxiv_id for r in got.records] == ["1111.2011"]
    assert got.records[0].venue == "Phys. Rev. B 85, 115117 (2012)"
    assert got.records[0].doi == "10.1103/physrevb.85.115117"
    assert local_server.requests[0].startswith("/mirror/arxiv/api/query?")  # type: ignore[attr-defined]
    q = _queries(local_server)[0]
    assert q["search_query"] == ["cat:cond-mat.str-el"]
    assert q["sortBy"] == ["submittedDate"] and q["sortOrder"] == ["descending"]


def test_pages_are_requested_one_after_the_other_until_enough(
    local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    # page 1: the 2026 answer (214,881 results in all), page 2: the 2016 one
    page1 = _body(real_fixture("arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json"))
    page2 = _body(real_fixture("arxiv/arxivpy_search_au_del_maestro.xml"))
    local_server.routes["/api/query"] = [(200, ATOM, page1), (200, ATOM, page2)]  # type: ignore[attr-defined]
    got = _client(local_server, page_size=10).fetch("all:testing", max_results=20)
    assert len(got.records) == 20
    assert got.records[0].arxiv_id == "2202.12139"
    assert any(r.arxiv_id == "cond-mat/0412498" for r in got.records[10:])
    starts = [(q["start"], q["max_results"]) for q in _queries(local_server)]
    assert starts == [(["0"], ["10"]), (["10"], ["10"])]


def test_stopping_early_requests_no_further_page(
    local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    page = _body(real_fixture("arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json"))
    local_server.routes["/api/query"] = [(200, ATOM, page)]  # type: ignore[attr-defined]
    it = _client(local_server, page_size=10).search("all:testing", max_results=100)
    for _ in range(3):
        next(it)
    it.close()
    assert len(local_server.requests) == 1  # type: ignore[attr-defined]


class _HeaderRecorder(ScriptedHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _HeaderRecorder.seen.append(self.headers.get("User-Agent", ""))
        super().do_GET()


def test_requests_carry_our_user_agent_with_the_contact_email(
    local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    _HeaderRecorder.seen = []
    local_server.RequestHandlerClass = _HeaderRecorder
    body = _body(real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml"))
    local_server.routes["/api/query"] = [(200, ATOM, body)]  # type: ignore[attr-defined]
    _client(local_server, contact_email="me@example.org").fetch("x", 1)
    assert _HeaderRecorder.seen and all(
        ua.startswith("ScholarDesk/") and "mailto:me@example.org" in ua
        for ua in _HeaderRecorder.seen
    )


def test_a_malformed_entry_is_skipped_and_counted_and_the_rest_read(
    local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    text = _body(real_fixture("arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json")).decode()
    # the second entry loses its authors, the third its title
    entries = text.split("<entry>")
    entries[2] = re.sub(r"<author>.*?</author>", "", entries[2], flags=re.S)
    head, rest = entries[3].split("<title>", 1)
    entries[3] = head + rest.split("</title>", 1)[1]
    broken = "<entry>".join(entries).encode()
    local_server.routes["/api/query"] = [(200, ATOM, broken)]  # type: ignore[attr-defined]
    it = _client(local_server, page_size=10).search("all:testing", max_results=100)
    outcomes = [next(it) for _ in range(10)]  # the ten entries of the first page
    it.close()
    records = [r for r, _ in outcomes if r is not None]
    errors = [e for _, e in outcomes if e is not None]
    assert len(records) == 8
    assert [e.record for e in errors] == [
        "http://arxiv.org/abs/2405.13786v1", "http://arxiv.org/abs/2005.14124v2"]
    assert "has no authors" in errors[0].message
    assert "has no title" in errors[1].message
    assert len(local_server.requests) == 1  # type: ignore[attr-defined]


def test_an_answer_that_is_not_a_feed_is_a_network_error_naming_it(
    local_server: ThreadingHTTPServer,
) -> None:
    local_server.routes["/api/query"] = [  # type: ignore[attr-defined]
        (200, {"Content-Type": "text/html"}, b"<html><body>Captive portal login</body></html>")
    ]
    with pytest.raises(NetworkError, match="not an Atom feed"):
        _client(local_server).fetch("cat:cs.CL", 10)


def test_server_errors_are_retried_then_reported(
    local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> None:
    body = _body(real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml"))
    local_server.routes["/api/query"] = [(503, {}, b"busy"), (200, ATOM, body)]  # type: ignore[attr-defined]
    assert len(_client(local_server, retries=2).fetch("x", 1).records) == 1
    local_server.routes["/api/query"] = [(503, {}, b"busy")]  # type: ignore[attr-defined]
    with pytest.raises(NetworkError, match="HTTP 503 after 3 tries"):
        _client(local_server, retries=2).fetch("x", 1)


def test_an_unreachable_server_is_a_network_error() -> None:
    client = ArxivClient(ArxivClientSettings(
        base_url="http://127.0.0.1:9/api/query", delay_s=0.0, retries=0, timeout_s=2.0))
    with pytest.raises(NetworkError, match="arXiv did not answer"):
        client.fetch("cat:cs.CL", 10)
