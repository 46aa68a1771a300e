"""The polite client against a local server: retries, Retry-After, pacing, cache, cancel."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.errors import Cancelled, NetworkError
from scholardesk.core.progress import Progress
from scholardesk.sources.http import HttpPolicy, PoliteClient, parse_retry_after


def client(**kw: Any) -> PoliteClient:
    policy = HttpPolicy(contact_email="lab@example.edu", backoff_s=0.01, timeout_s=2, **kw)
    return PoliteClient(policy)


def test_a_plain_get_sends_the_contact_e_mail(local_server: Any) -> None:
    local_server.routes["/works"] = [(200, {"Content-Type": "application/json"}, b'{"ok": 1}')]
    resp = client().get(local_server.base_url + "/works", params={"rows": 2})
    assert resp.status == 200
    assert resp.json() == {"ok": 1}
    assert local_server.requests == ["/works?rows=2"]
    assert "mailto:lab@example.edu" in client().policy.user_agent


def test_server_errors_are_retried_then_succeed(local_server: Any) -> None:
    local_server.routes["/x"] = [(500, {}, b"oops"), (503, {}, b"busy"), (200, {}, b"fine")]
    resp = client().get(local_server.base_url + "/x")
    assert resp.body == b"fine"
    assert len(local_server.requests) == 3


def test_429_honours_retry_after(local_server: Any) -> None:
    local_server.routes["/x"] = [(429, {"Retry-After": "1"}, b"slow down"), (200, {}, b"ok")]
    started = time.monotonic()
    assert client().get(local_server.base_url + "/x").body == b"ok"
    assert time.monotonic() - started >= 0.95


def test_giving_up_names_the_host_and_status(local_server: Any) -> None:
    local_server.routes["/x"] = [(500, {}, b"down")]
    with pytest.raises(NetworkError, match=r"HTTP 500 .* after 3 tries"):
        client(max_retries=2).get(local_server.base_url + "/x")
    assert len(local_server.requests) == 3


def test_a_400_is_not_retried(local_server: Any) -> None:
    local_server.routes["/x"] = [(400, {}, b"bad")]
    with pytest.raises(NetworkError, match="HTTP 400"):
        client().get(local_server.base_url + "/x")
    assert len(local_server.requests) == 1


def test_404_is_returned_for_the_caller_to_report(local_server: Any) -> None:
    resp = client().get(local_server.base_url + "/missing")
    assert resp.status == 404


def test_connection_resets_are_retried_then_reported(local_server: Any) -> None:
    local_server.routes["/x"] = [(200, {}, None)]  # server hangs up without answering
    with pytest.raises(NetworkError, match="did not answer after 2 tries"):
        client(max_retries=1).get(local_server.base_url + "/x")


def test_a_dead_port_is_a_network_error() -> None:
    with pytest.raises(NetworkError, match="Check the network"):
        client(max_retries=0, ).get("http://127.0.0.1:9/nothing")


def test_requests_to_one_host_are_paced(local_server: Any) -> None:
    local_server.routes["*"] = [(200, {}, b"ok")]
    c = client(default_interval_s=0.2)
    started = time.monotonic()
    for _ in range(3):
        c.get(local_server.base_url + "/p")
    assert time.monotonic() - started >= 0.39


def test_cached_bodies_are_served_without_a_request(local_server: Any, tmp_path: Path) -> None:
    local_server.routes["/x"] = [(200, {}, b"first")]
    c = client(cache_dir=tmp_path)
    assert c.get(local_server.base_url + "/x", use_cache=True).body == b"first"
    again = c.get(local_server.base_url + "/x", use_cache=True)
    assert again.from_cache and again.body == b"first"
    assert len(local_server.requests) == 1


def test_cancel_interrupts_a_backoff_wait(local_server: Any) -> None:
    local_server.routes["/x"] = [(429, {"Retry-After": "30"}, b""), (200, {}, b"ok")]
    progress = Progress()
    import threading

    threading.Timer(0.2, progress.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        client().get(local_server.base_url + "/x", progress=progress)
    assert time.monotonic() - started < 5


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
