"""A polite HTTP client shared by every remote source.

- per-host pacing (minimum interval between requests to the same host);
- a User-Agent that names ScholarDesk and the user's contact e-mail (Crossref's "polite pool");
- timeouts, and retries with exponential backoff on connection errors, 429 and 5xx,
  honouring ``Retry-After`` (seconds or an HTTP date); a wait longer than
  ``max_retry_after_s`` is not slept through: the user is told when to try again;
- a total time budget per answer (``deadline_s``: the body is streamed and the clock checked
  between chunks, so a server dripping one byte a second cannot hold a request for minutes) and
  a body size cap (``max_body_bytes``: a larger body is refused before it is read whole);
- a body shorter than its Content-Length is an error, never a success;
- an optional on-disk cache of successful GET bodies. With a ``parse`` callback
  (``get_parsed``) only a body that parsed is cached, and a cached body that no longer parses
  is dropped and fetched again;
- every failure of ``requests``/``urllib3`` (redirect loops, broken chunked encoding, bad
  gzip, TLS, invalid addresses…) becomes a ``NetworkError`` naming the address really used (the
  final one after redirects, with any API key taken out of the query);
- cancellation through ``Progress`` (waits wake up early when the user cancels).
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import urllib3

from scholardesk import __version__
from scholardesk.core.errors import NetworkError, ScholarDeskError
from scholardesk.core.progress import Progress, no_progress

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Query parameters that carry credentials: never shown in an error, a log line or a report.
SECRET_PARAMS = frozenset(
    {"api_key", "apikey", "key", "token", "access_token", "auth", "password", "secret",
     "client_secret", "signature", "sig"}
)
CHUNK = 64 * 1024

T = TypeVar("T")


class AnswerError(NetworkError):
    """The server answered, but not with what was asked for (wrong shape, truncated, too big).

    Unlike a connection failure this says nothing about the request itself (a crawl cursor
    stays valid), so callers must not treat it as "start again"."""


class RetryLaterError(NetworkError):
    """The server asked to wait longer than ScholarDesk sleeps on its own (``retry_at``)."""

    def __init__(self, message: str, hint: str, retry_after_s: float, retry_at: float) -> None:
        super().__init__(message, hint)
        self.retry_after_s = retry_after_s
        self.retry_at = retry_at


@dataclass
class HttpPolicy:
    contact_email: str = ""
    timeout_s: float = 30.0
    max_retries: int = 3
    backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    default_interval_s: float = 0.0
    # Minimum seconds between two requests to one host, e.g. {"api.crossref.org": 0.34}.
    host_intervals: dict[str, float] = field(default_factory=dict)
    proxy: str = ""
    cache_dir: Path | None = None
    # Total seconds one answer may take (headers and whole body), whatever the server's pace.
    deadline_s: float = 120.0
    # Largest body accepted; a larger one is refused before it is read whole (and not cached).
    max_body_bytes: int = 20_000_000
    # A Retry-After longer than this is reported to the user instead of slept through.
    max_retry_after_s: float = 60.0

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.contact_email}" if self.contact_email else ""
        return f"ScholarDesk/{__version__} (https://github.com/scholardesk{contact})"


@dataclass(frozen=True)
class HttpResponse:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    from_cache: bool = False

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> object:
        import json

        try:
            return json.loads(self.body)
        except RecursionError as exc:  # a nesting bomb reads as bad JSON, like any other
            raise ValueError("the JSON nests too deeply") from exc


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def redact_url(url: str) -> str:
    """``url`` without the values of credential-like query parameters (``api_key`` …)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("?", 1)[0]
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        return url
    kept = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in pairs]
    return urlunsplit(parts._replace(query=urlencode(kept, safe="*,:/")))


def _describe(exc: BaseException) -> str:
    """A short, user-readable name for a transport failure."""
    names = {
        requests.TooManyRedirects: "too many redirects (a redirect loop)",
        requests.exceptions.ChunkedEncodingError: "the answer broke off (chunked encoding)",
        requests.exceptions.ContentDecodingError: "the compressed answer could not be decoded",
        urllib3.exceptions.DecodeError: "the compressed answer could not be decoded",
        requests.exceptions.SSLError: "the secure connection failed (TLS/SSL)",
        urllib3.exceptions.SSLError: "the secure connection failed (TLS/SSL)",
        requests.exceptions.InvalidURL: "the address is not valid",
        requests.exceptions.MissingSchema: "the address is not valid",
        requests.exceptions.InvalidSchema: "the address is not an http(s) address",
        requests.exceptions.InvalidHeader: "the answer had an invalid header",
        requests.exceptions.ProxyError: "the proxy refused the connection",
        requests.Timeout: "no answer within the time limit",
        urllib3.exceptions.ReadTimeoutError: "no answer within the time limit",
        urllib3.exceptions.ProtocolError: "the connection broke off",
        requests.ConnectionError: "no connection",
    }
    for kind, text in names.items():
        if isinstance(exc, kind):
            return text
    return type(exc).__name__


# Failures worth another try (the network or the server of the moment); the others (redirect
# loops, invalid addresses, TLS problems, undecodable bodies) would fail the same way again.
_TRANSIENT: tuple[type[BaseException], ...] = (
    requests.exceptions.ChunkedEncodingError,
    requests.ConnectionError,
    requests.Timeout,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
    http.client.HTTPException,
    ConnectionError,
    TimeoutError,
)
_PERMANENT: tuple[type[BaseException], ...] = (
    requests.TooManyRedirects,
    requests.exceptions.SSLError,
    requests.exceptions.ProxyError,
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.ContentDecodingError,
    urllib3.exceptions.DecodeError,
    urllib3.exceptions.SSLError,
)


class BodyTruncated(Exception):
    """The body ended before its Content-Length (retried like a broken connection)."""


def read_bounded_body(
    resp: requests.Response,
    url: str,
    *,
    started: float,
    deadline_s: float,
    max_body_bytes: int,
    check: Callable[[], None] = lambda: None,
) -> bytes:
    """The body of a ``stream=True`` response, read under a total deadline (counted from
    ``started``) and a size cap: a body announced or grown past the cap and one still arriving
    at the deadline raise AnswerError before more is read; one shorter than its Content-Length
    raises BodyTruncated. Every client that reads from the network goes through this."""
    announced = _content_length(resp.headers)
    if announced is not None and announced > max_body_bytes:
        raise _too_big(url, max_body_bytes, announced)
    body = bytearray()
    raw: Any = resp.raw
    while True:
        if time.monotonic() - started > deadline_s:
            raise _too_slow(url, deadline_s, len(body))
        check()
        chunk = raw.read1(CHUNK, decode_content=True)
        if not chunk:
            break
        body += chunk
        if len(body) > max_body_bytes:
            raise _too_big(url, max_body_bytes, None)
    if time.monotonic() - started > deadline_s:
        raise _too_slow(url, deadline_s, len(body))
    encoded = resp.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
    if announced is not None and not encoded and len(body) < announced:
        raise BodyTruncated(f"{len(body)} of {announced} bytes")
    return bytes(body)


def _too_big(url: str, cap: int, size: int | None) -> AnswerError:
    said = f" ({size / 1e6:.1f} MB)" if size is not None else ""
    return AnswerError(
        f"{redact_url(url)} answered more than the {cap / 1e6:.0f} MB ScholarDesk accepts"
        f"{said}; nothing of it was kept.",
        "Check the address; the size limit is the max_body_mb setting.",
    )


def _too_slow(url: str, deadline_s: float, got: int) -> AnswerError:
    return AnswerError(
        f"{redact_url(url)} did not finish its answer within {deadline_s:g} s "
        f"({got:,} bytes received); nothing of it was kept.",
        "Try again later; the time limit is the request_deadline_s setting.",
    )


class PoliteClient:
    """Thread-safe; one instance per application, shared by all sources."""

    def __init__(self, policy: HttpPolicy | None = None) -> None:
        self.policy = policy or HttpPolicy()
        self._session = requests.Session()
        self._session.headers["User-Agent"] = self.policy.user_agent
        if self.policy.proxy:
            self._session.proxies = {"http": self.policy.proxy, "https": self.policy.proxy}
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def _interval(self, host: str) -> float:
        return self.policy.host_intervals.get(host, self.policy.default_interval_s)

    def _wait_turn(self, host: str, progress: Progress) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, 0.0))
            self._next_slot[host] = slot + self._interval(host)
        delay = slot - time.monotonic()
        if delay > 0:
            progress.wait(delay)

    def _cache_path(self, url: str) -> Path | None:
        if self.policy.cache_dir is None:
            return None
        digest = hashlib.sha256(url.encode()).hexdigest()
        return self.policy.cache_dir / "http" / digest[:2] / digest

    def get(
        self,
        url: str,
        params: dict[str, str | int] | None = None,
        progress: Progress | None = None,
        use_cache: bool = False,
        accept: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        """GET with pacing and retries. Raises NetworkError for anything but a 2xx/404.

        With ``use_cache`` every complete 200 body is cached; prefer ``get_parsed`` so that
        only a body that parsed is kept."""
        return self._get(url, params, progress, use_cache, accept, None, headers)[0]

    def get_parsed(
        self,
        url: str,
        parse: Callable[[HttpResponse], T],
        params: dict[str, str | int] | None = None,
        progress: Progress | None = None,
        use_cache: bool = False,
        accept: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[HttpResponse, T | None]:
        """GET, then ``parse`` a 2xx answer (None for a 404). The body is cached only when
        ``parse`` returned; a cached body that ``parse`` rejects is dropped and fetched again.

        ``parse`` raises a ScholarDeskError (passed on as it is) or a ValueError (reported
        as an ``AnswerError`` naming the address)."""
        resp, parsed = self._get(url, params, progress, use_cache, accept, parse, headers)
        return resp, parsed

    def _get(
        self,
        url: str,
        params: dict[str, str | int] | None,
        progress: Progress | None,
        use_cache: bool,
        accept: str | None,
        parse: Callable[[HttpResponse], T] | None,
        extra_headers: dict[str, str] | None = None,
    ) -> tuple[HttpResponse, T | None]:
        progress = progress or no_progress()
        try:
            full_url = requests.Request("GET", url, params=params).prepare().url or url
        except requests.RequestException as exc:
            raise NetworkError(
                f"{redact_url(url)} is not a usable address ({_describe(exc)}).",
                "Check the address.",
            ) from exc
        shown = redact_url(full_url)
        cache_path = self._cache_path(full_url) if use_cache else None
        if cache_path is not None and cache_path.exists():
            cached = HttpResponse(full_url, 200, {}, cache_path.read_bytes(), from_cache=True)
            if parse is None:
                return cached, None
            try:
                return cached, parse(cached)
            except (ScholarDeskError, ValueError) as exc:
                logger.info("Dropping a cached answer for %s that does not parse: %s", shown, exc)
                cache_path.unlink(missing_ok=True)
        host = urlsplit(full_url).netloc
        headers = {"Accept": accept} if accept else {}
        headers.update(extra_headers or {})  # e.g. an API key (never part of the cache key)
        attempt = 0
        while True:
            progress.check()
            self._wait_turn(host, progress)
            try:
                status, final_url, resp_headers, body = self._fetch_once(full_url, headers, progress)
            except _PERMANENT as exc:
                raise NetworkError(
                    f"{self._where(exc, shown)}: {_describe(exc)}.",
                    "Check the address (and the proxy in Settings), or try again later.",
                ) from exc
            except (BodyTruncated, *_TRANSIENT) as exc:
                where = self._where(exc, shown)
                if attempt >= self.policy.max_retries:
                    what = "the answer was shorter than announced" if isinstance(
                        exc, BodyTruncated) else _describe(exc)
                    raise NetworkError(
                        f"{host} did not answer after {attempt + 1} tries ({what}; {where}).",
                        "Check the network or the proxy in Settings, or try again later.",
                    ) from exc
                wait = self._backoff(attempt, None)
                logger.info("Retrying %s in %.1fs after %s", where, wait, exc)
            except requests.RequestException as exc:  # anything else requests can raise
                raise NetworkError(
                    f"{self._where(exc, shown)}: {_describe(exc)}.", "Try again later."
                ) from exc
            else:
                final_shown = redact_url(final_url)
                if status < 400 or status == 404:
                    result = HttpResponse(final_url, status, dict(resp_headers), body)
                    parsed: T | None = None
                    if parse is not None and status < 300:
                        try:
                            parsed = parse(result)
                        except ValueError as exc:
                            raise AnswerError(
                                f"{final_shown} answered something that could not be read "
                                f"({str(exc)[:200]}).",
                                "Try again later; nothing of this answer was kept.",
                            ) from exc
                    if cache_path is not None and status == 200:
                        cache_path.parent.mkdir(parents=True, exist_ok=True)
                        tmp = cache_path.with_suffix(".tmp")
                        tmp.write_bytes(body)
                        tmp.replace(cache_path)
                    return result, parsed
                if status not in RETRY_STATUSES or attempt >= self.policy.max_retries:
                    raise NetworkError(
                        f"{host} answered HTTP {status} for {final_shown}"
                        + (f" after {attempt + 1} tries." if attempt else "."),
                        "Try again later." if status in RETRY_STATUSES else "",
                    )
                asked = parse_retry_after(resp_headers.get("Retry-After"))
                if asked is not None and asked > self.policy.max_retry_after_s:
                    retry_at = time.time() + asked
                    clock = time.strftime("%H:%M", time.localtime(retry_at))
                    raise RetryLaterError(
                        f"{host} answered HTTP {status} and asks to wait {_duration(asked)} "
                        f"before the next request ({final_shown}).",
                        f"Try again after {clock}.",
                        asked,
                        retry_at,
                    )
                wait = self._backoff(attempt, asked)
                logger.info("HTTP %s from %s; retrying in %.1fs", status, host, wait)
                progress.report(
                    progress.state.done, progress.state.total,
                    f"{host} answered HTTP {status}: waiting {_duration(wait)} before trying "
                    "again",
                )
            progress.wait(wait)
            attempt += 1

    def _fetch_once(
        self, url: str, headers: dict[str, str], progress: Progress
    ) -> tuple[int, str, Mapping[str, str], bytes]:
        """One request: (status, final URL, headers, body), the body streamed under the
        deadline and the size cap. Raises AnswerError for a body too slow or too big."""
        policy = self.policy
        started = time.monotonic()
        read_timeout = max(0.05, min(policy.timeout_s, policy.deadline_s))
        resp = self._session.get(
            url, timeout=(policy.timeout_s, read_timeout), headers=headers, stream=True
        )
        try:
            final = resp.url or url
            resp_headers = resp.headers
            status = resp.status_code
            if status >= 400 and status != 404:
                return status, final, resp_headers, b""
            body = read_bounded_body(
                resp, final, started=started, deadline_s=policy.deadline_s,
                max_body_bytes=policy.max_body_bytes, check=progress.check,
            )
            return status, final, resp_headers, body
        finally:
            resp.close()

    @staticmethod
    def _where(exc: BaseException, shown: str) -> str:
        """The address the failure happened at (after redirects when known), redacted."""
        response = getattr(exc, "response", None)
        if response is not None and getattr(response, "url", None):
            return redact_url(str(response.url))
        request = getattr(exc, "request", None)
        if request is not None and getattr(request, "url", None):
            return redact_url(str(request.url))
        return shown

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.policy.max_backoff_s)
        return float(min(self.policy.backoff_s * 2.0**attempt, self.policy.max_backoff_s))

    def close(self) -> None:
        self._session.close()


def _content_length(headers: Mapping[str, str]) -> int | None:
    value = headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
