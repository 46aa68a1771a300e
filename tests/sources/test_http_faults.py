"""The polite client and every network client against a fault-injecting local server:
redirect loops, bodies shorter than their Content-Length, servers that drip bytes past the
deadline, huge bodies, broken chunked encoding, bad gzip, poisoned answers (HTML where JSON is
expected, truncated JSON), long Retry-After. Each fault ends in our own error, quickly, and
nothing broken is cached. No test touches the live network."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.errors import NetworkError, ScholarDeskError
from scholardesk.core.progress import Progress, ProgressState
from scholardesk.sources.http import (
    AnswerError,
    HttpPolicy,
    HttpResponse,
    PoliteClient,
    RetryLaterError,
    redact_url,
)

Behaviour = Callable[[BaseHTTPRequestHandler], None]


# --- the fault server -------------------------------------------------------------------------


def answer(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None,
           *, length: int | None = None) -> Behaviour:
    """A plain answer; ``length`` announces another Content-Length than the body's."""

    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body) if length is None else length))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True

    return run


def redirect(to: str) -> Behaviour:
    return answer(302, b"", {"Location": to})


def drip(body: bytes, every_s: float) -> Behaviour:
    """The headers at once, then one byte every ``every_s`` seconds."""

    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.flush()
        for i in range(len(body)):
            h.wfile.write(body[i : i + 1])
            h.wfile.flush()
            time.sleep(every_s)

    return run


def huge(megabytes: int, *, announce: bool) -> Behaviour:
    """``megabytes`` MB of JSON-ish filler, announced in Content-Length or sent chunked."""

    def run(h: BaseHTTPRequestHandler) -> None:
        block = b" " * (1 << 20)
        h.send_response(200)
        if announce:
            h.send_header("Content-Length", str(megabytes << 20))
        else:
            h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for _ in range(megabytes):
            if announce:
                h.wfile.write(block)
            else:
                h.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            h.server.sent += len(block)  # type: ignore[attr-defined]
        if not announce:
            h.wfile.write(b"0\r\n\r\n")

    return run


def broken_chunks() -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h.wfile.write(b"5\r\nhello\r\nZZ-not-a-size\r\n")
        h.wfile.flush()
        h.close_connection = True

    return run


class FaultHandler(BaseHTTPRequestHandler):
    """Serves ``server.routes[path]``: behaviours used in turn (the last one repeats)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        server: Any = self.server
        server.requests.append(self.path)
        queue = server.routes.get(self.path.split("?", 1)[0]) or server.routes.get("*")
        behaviour = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else answer(404)
        try:
            behaviour(self)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up: that is the point

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def fault_server() -> Iterator[Any]:
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), FaultHandler)
    server.daemon_threads = True
    server.routes = {}
    server.requests = []
    server.sent = 0
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def make_client(tmp_path: Path | None = None, **kw: Any) -> PoliteClient:
    settings: dict[str, Any] = {"contact_email": "lab@example.edu", "backoff_s": 0.01,
                                "timeout_s": 2.0, "max_retries": 1, "deadline_s": 1.0}
    settings.update(kw)
    return PoliteClient(HttpPolicy(cache_dir=tmp_path, **settings))


def _cached_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "http").rglob("*") if p.is_file()] if (
        tmp_path / "http").exists() else []


def _parse_json(resp: HttpResponse) -> object:
    return json.loads(resp.body)


# --- the client itself -------------------------------------------------------------------------


def test_a_redirect_loop_is_a_network_error_naming_the_address(fault_server: Any) -> None:
    fault_server.routes["/loop"] = [redirect("/loop?q=ml&api_key=SECRET")]
    with pytest.raises(NetworkError, match="redirect loop") as caught:
        make_client().get(fault_server.base_url + "/loop", params={"q": "ml", "api_key": "SECRET"})
    text = str(caught.value)
    assert "/loop?q=ml" in text and "SECRET" not in text
    assert len(fault_server.requests) <= 31  # requests' own limit, not retried on top


def test_an_error_names_the_final_address_after_redirects(fault_server: Any) -> None:
    fault_server.routes["/old"] = [redirect("/new?page=2&token=T0K")]
    fault_server.routes["/new"] = [answer(400, b"bad")]
    with pytest.raises(NetworkError, match="HTTP 400") as caught:
        make_client().get(fault_server.base_url + "/old")
    assert "/new?page=2" in str(caught.value) and "T0K" not in str(caught.value)


def test_a_body_shorter_than_its_content_length_is_an_error_and_not_cached(
    fault_server: Any, tmp_path: Path
) -> None:
    fault_server.routes["/x"] = [answer(200, b'{"ok": 1', length=5000)]
    c = make_client(tmp_path)
    with pytest.raises(NetworkError, match="did not answer after 2 tries"):
        c.get(fault_server.base_url + "/x", use_cache=True)
    assert len(fault_server.requests) == 2  # retried like a broken connection
    assert _cached_files(tmp_path) == []


def test_broken_chunked_encoding_is_a_network_error(fault_server: Any) -> None:
    fault_server.routes["/x"] = [broken_chunks()]
    with pytest.raises(NetworkError, match="127.0.0.1"):
        make_client().get(fault_server.base_url + "/x")


def test_an_undecodable_gzip_body_is_a_network_error(fault_server: Any) -> None:
    fault_server.routes["/x"] = [answer(200, b"this is not gzip", {"Content-Encoding": "gzip"})]
    with pytest.raises(NetworkError, match="could not be decoded"):
        make_client().get(fault_server.base_url + "/x")


@pytest.mark.parametrize("url", ["http://[::1", "http://", "ftp://example.org/x", "no-scheme"])
def test_an_unusable_address_is_a_network_error(url: str) -> None:
    with pytest.raises(NetworkError):
        make_client(max_retries=0).get(url)


def test_a_dripping_server_is_cut_off_at_the_deadline(fault_server: Any, tmp_path: Path) -> None:
    fault_server.routes["/x"] = [drip(b'{"slow": "' + b"x" * 100 + b'"}', every_s=0.05)]
    started = time.monotonic()
    with pytest.raises(AnswerError, match="did not finish its answer within 0.5 s"):
        make_client(tmp_path, deadline_s=0.5, timeout_s=3).get(
            fault_server.base_url + "/x", use_cache=True)
    assert time.monotonic() - started < 1.5
    assert len(fault_server.requests) == 1  # a slow server is not asked again at once
    assert _cached_files(tmp_path) == []


def test_a_huge_announced_body_is_refused_before_it_is_read(
    fault_server: Any, tmp_path: Path
) -> None:
    fault_server.routes["/x"] = [huge(50, announce=True)]
    started = time.monotonic()
    with pytest.raises(AnswerError, match="more than the 20 MB"):
        make_client(tmp_path, deadline_s=10).get(fault_server.base_url + "/x", use_cache=True)
    assert time.monotonic() - started < 1.5
    assert _cached_files(tmp_path) == []


def test_a_huge_chunked_body_is_cut_off_at_the_cap(fault_server: Any, tmp_path: Path) -> None:
    fault_server.routes["/x"] = [huge(50, announce=False)]
    c = make_client(tmp_path, deadline_s=10, max_body_bytes=2_000_000)
    with pytest.raises(AnswerError, match="more than the 2 MB"):
        c.get(fault_server.base_url + "/x", use_cache=True)
    assert _cached_files(tmp_path) == []
    time.sleep(0.2)
    assert fault_server.sent < 20 << 20  # the server could not push the 50 MB through


def test_a_gzip_bomb_is_cut_off_at_the_cap_after_decoding(
    fault_server: Any, tmp_path: Path
) -> None:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(zeros) for _ in range(100)) + packer.flush()
    assert len(bomb) < 200_000  # 100 MB once decoded
    fault_server.routes["/x"] = [answer(200, bomb, {"Content-Encoding": "gzip"})]
    started = time.monotonic()
    with pytest.raises(AnswerError, match="more than the 2 MB"):
        make_client(tmp_path, max_body_bytes=2_000_000).get(
            fault_server.base_url + "/x", use_cache=True)
    assert time.monotonic() - started < 1
    assert _cached_files(tmp_path) == []


def test_truncated_json_is_not_cached_and_the_next_run_asks_again(
    fault_server: Any, tmp_path: Path
) -> None:
    fault_server.routes["/w"] = [answer(200, b'{"message": {"DOI": "10.1/x", "tit'),
                                 answer(200, b'{"message": {"DOI": "10.1/x"}}')]
    c = make_client(tmp_path)
    with pytest.raises(AnswerError, match="could not be read"):
        c.get_parsed(fault_server.base_url + "/w", _parse_json, use_cache=True)
    assert _cached_files(tmp_path) == []
    resp, parsed = c.get_parsed(fault_server.base_url + "/w", _parse_json, use_cache=True)
    assert parsed == {"message": {"DOI": "10.1/x"}} and not resp.from_cache
    again, parsed_again = c.get_parsed(fault_server.base_url + "/w", _parse_json, use_cache=True)
    assert again.from_cache and parsed_again == parsed
    assert len(fault_server.requests) == 2


def test_a_poisoned_cache_entry_is_dropped_and_fetched_again(
    fault_server: Any, tmp_path: Path
) -> None:
    fault_server.routes["/w"] = [answer(200, b"<html>maintenance</html>"), answer(200, b"[1, 2]")]
    c = make_client(tmp_path)
    c.get(fault_server.base_url + "/w", use_cache=True)  # an older version cached everything
    assert len(_cached_files(tmp_path)) == 1
    resp, parsed = c.get_parsed(fault_server.base_url + "/w", _parse_json, use_cache=True)
    assert parsed == [1, 2] and not resp.from_cache
    assert len(fault_server.requests) == 2


def test_a_long_retry_after_is_reported_not_slept_through(fault_server: Any) -> None:
    fault_server.routes["/x"] = [answer(429, b"", {"Retry-After": "3600"}), answer(200, b"ok")]
    started = time.monotonic()
    with pytest.raises(RetryLaterError, match=r"asks to wait 60 min") as caught:
        make_client(max_retries=3).get(fault_server.base_url + "/x")
    assert time.monotonic() - started < 1
    assert "Try again after" in str(caught.value)
    assert caught.value.retry_after_s == 3600


def test_a_short_retry_after_is_waited_and_shown_through_progress(fault_server: Any) -> None:
    fault_server.routes["/x"] = [answer(503, b"", {"Retry-After": "1"}), answer(200, b"ok")]
    seen: list[ProgressState] = []
    started = time.monotonic()
    resp = make_client().get(fault_server.base_url + "/x", progress=Progress(seen.append))
    assert resp.body == b"ok" and time.monotonic() - started >= 0.95
    assert any("HTTP 503: waiting 1 s" in s.message for s in seen)


def test_api_keys_are_taken_out_of_addresses() -> None:
    assert redact_url("https://h/x?q=a&api_key=S3&rows=2") == "https://h/x?q=a&api_key=***&rows=2"
    assert redact_url("https://h/x?q=a") == "https://h/x?q=a"


# --- every network client -----------------------------------------------------------------------

POISONS: dict[str, Behaviour] = {
    "redirect loop": redirect("/loop"),
    "short body": answer(200, b"<?xml version='1.0'?><feed", length=9000),
    "drip": drip(b"x" * 200, every_s=0.02),
    "huge": huge(30, announce=True),
    "html instead of data": answer(200, b"<html><body><h1>Service unavailable</h1></body></html>",
                                   {"Content-Type": "text/html"}),
    "truncated json": answer(200, b'{"status": "ok", "message": {"items": [{"DOI": "10.1/a", '),
}


def _all_routes(server: Any, fault: Behaviour) -> None:
    server.routes.clear()
    server.routes["*"] = [fault]
    server.routes["/loop"] = [redirect("/loop")]


@pytest.mark.parametrize("fault", list(POISONS))
def test_arxiv_faults_are_our_errors(fault_server: Any, fault: str) -> None:
    from scholardesk.sources.arxiv_source import ArxivApi

    _all_routes(fault_server, POISONS[fault])
    api = ArxivApi(make_client(deadline_s=1, max_body_bytes=1_000_000),
                   base_url=fault_server.base_url + "/api/query")
    started = time.monotonic()
    with pytest.raises(NetworkError):
        api.fetch_ids(["2101.00001"])
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("fault", list(POISONS))
def test_crossref_works_faults_are_not_cached(
    fault_server: Any, fault: str, tmp_path: Path
) -> None:
    from scholardesk.sources.crossref_works import CrossrefWorks

    _all_routes(fault_server, POISONS[fault])
    http = make_client(tmp_path, deadline_s=1, max_body_bytes=1_000_000)
    works = CrossrefWorks(http, base_url=fault_server.base_url)
    with pytest.raises(NetworkError):
        works.fetch("10.1/a")
    assert _cached_files(tmp_path) == []
    # The server recovers: the next run asks it again and gets the work.
    good = {"status": "ok", "message-type": "work",
            "message": {"DOI": "10.1/a", "title": ["A healthy answer"]}}
    _all_routes(fault_server, answer(200, json.dumps(good).encode()))
    record = works.fetch("10.1/a")
    assert record is not None and record.title == "A healthy answer"


@pytest.mark.parametrize("fault", list(POISONS))
def test_reviews_crossref_listing_faults_are_our_errors(fault_server: Any, fault: str) -> None:
    from scholardesk.sources.reviews import fetch

    _all_routes(fault_server, POISONS[fault])
    with pytest.raises(NetworkError):
        fetch.crossref_works_page(make_client(max_body_bytes=1_000_000), "2041-210X", "*",
                                  Progress(), base=fault_server.base_url)


def test_reviews_listing_of_the_wrong_shape_is_an_answer_error(fault_server: Any) -> None:
    from scholardesk.sources.reviews import fetch

    fault_server.routes["*"] = [answer(200, b'{"status": "ok", "message": {"note": "moved"}}')]
    with pytest.raises(AnswerError, match="not a Crossref works listing"):
        fetch.crossref_works_page(make_client(), "2041-210X", "*", Progress(),
                                  base=fault_server.base_url)


def test_a_truncated_publisher_page_is_not_cached(fault_server: Any, tmp_path: Path) -> None:
    from scholardesk.sources.reviews import fetch

    fault_server.routes["/robots.txt"] = [answer(404)]
    fault_server.routes["/article"] = [answer(200, b"<html><head><title>A", length=4000)]
    http = make_client(tmp_path)
    with pytest.raises(NetworkError):
        fetch.fetch_page(http, fetch.RobotsCache(http), fault_server.base_url + "/article",
                         Progress())
    assert all("article" not in p.read_text(errors="replace") for p in _cached_files(tmp_path))
    assert len(_cached_files(tmp_path)) <= 1  # at most robots.txt's 404, never the page


@pytest.mark.parametrize("fault", list(POISONS))
def test_ccf_catalogue_download_faults_are_our_errors(
    services: Any, fault_server: Any, fault: str
) -> None:
    _all_routes(fault_server, POISONS[fault])
    services._http = make_client(deadline_s=1, max_body_bytes=1_000_000)
    with pytest.raises(ScholarDeskError):
        services.venues.download_ccf(fault_server.base_url + "/catalogue.pdf")
    assert not (services.paths.cache_dir / "ccf_catalogue.pdf").exists()


@pytest.mark.parametrize("fault", list(POISONS))
def test_ccf_deadlines_url_faults_are_our_errors(
    services: Any, fault_server: Any, fault: str
) -> None:
    _all_routes(fault_server, POISONS[fault])
    services._http = make_client(deadline_s=1, max_body_bytes=1_000_000)
    with pytest.raises(ScholarDeskError):
        services.venues.sync_deadlines(fault_server.base_url + "/allconf.yml")


def test_the_limits_come_from_the_settings(db: Any, home: Path) -> None:
    from scholardesk.core.config import Paths, Settings
    from scholardesk.services.context import Services

    svc = Services(db=db, paths=Paths.resolve(home),
                   settings=Settings(request_deadline_s=7.5, max_body_mb=3))
    try:
        assert (svc.http.policy.deadline_s, svc.http.policy.max_body_bytes) == (7.5, 3_000_000)
    finally:
        svc.http.close()


def test_the_limits_must_be_positive() -> None:
    from scholardesk.core.config import Settings
    from scholardesk.core.errors import InputError

    with pytest.raises(InputError, match="max_body_mb"):
        Settings(max_body_mb=0).validate()
    with pytest.raises(InputError, match="request_deadline_s"):
        Settings(request_deadline_s=-1).validate()


@pytest.mark.parametrize("fault", list(POISONS))
def test_the_feed_clients_arxiv_package_path_faults_are_our_errors(
    fault_server: Any, fault: str
) -> None:
    # The "New" view's client goes through the arxiv package; its answers are read under the
    # same deadline and size cap as every other client's.
    from scholardesk.sources.arxiv_client import ArxivClient, ArxivClientSettings

    _all_routes(fault_server, POISONS[fault])
    client = ArxivClient(ArxivClientSettings(
        base_url=fault_server.base_url + "/api/query", delay_s=0.0, retries=0,
        timeout_s=1.0, deadline_s=1.0, max_body_bytes=1_000_000,
    ))
    started = time.monotonic()
    with pytest.raises(NetworkError):
        client.fetch("cat:cs.CL", max_results=5)
    assert time.monotonic() - started < 3
