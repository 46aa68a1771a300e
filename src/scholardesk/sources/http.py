"""A polite HTTP client shared by every remote source.

- per-host pacing (minimum interval between requests to the same host);
- a User-Agent that names ScholarDesk and the user's contact e-mail (Crossref's "polite pool");
- timeouts, and retries with exponential backoff on connection errors, 429 and 5xx,
  honouring ``Retry-After`` (seconds or an HTTP date);
- an optional on-disk cache of successful GET bodies;
- cancellation through ``Progress`` (waits wake up early when the user cancels).
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from scholardesk import __version__
from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress, no_progress

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


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

        return json.loads(self.body)


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
    ) -> HttpResponse:
        """GET with pacing and retries. Raises NetworkError for anything but a 2xx/404."""
        progress = progress or no_progress()
        full_url = requests.Request("GET", url, params=params).prepare().url or url
        cache_path = self._cache_path(full_url) if use_cache else None
        if cache_path is not None and cache_path.exists():
            return HttpResponse(full_url, 200, {}, cache_path.read_bytes(), from_cache=True)
        host = urlsplit(full_url).netloc
        headers = {"Accept": accept} if accept else {}
        attempt = 0
        while True:
            progress.check()
            self._wait_turn(host, progress)
            try:
                resp = self._session.get(full_url, timeout=self.policy.timeout_s, headers=headers)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.policy.max_retries:
                    raise NetworkError(
                        f"{host} did not answer after {attempt + 1} tries ({type(exc).__name__}).",
                        "Check the network or the proxy in Settings, or try again later.",
                    ) from exc
                wait = self._backoff(attempt, None)
                logger.info("Retrying %s in %.1fs after %s", full_url, wait, exc)
            else:
                if resp.status_code < 400 or resp.status_code == 404:
                    result = HttpResponse(
                        resp.url, resp.status_code, dict(resp.headers), resp.content
                    )
                    if cache_path is not None and resp.status_code == 200:
                        cache_path.parent.mkdir(parents=True, exist_ok=True)
                        tmp = cache_path.with_suffix(".tmp")
                        tmp.write_bytes(resp.content)
                        tmp.replace(cache_path)
                    return result
                if resp.status_code not in RETRY_STATUSES or attempt >= self.policy.max_retries:
                    raise NetworkError(
                        f"{host} answered HTTP {resp.status_code} for {full_url}"
                        + (f" after {attempt + 1} tries." if attempt else "."),
                        "Try again later." if resp.status_code in RETRY_STATUSES else "",
                    )
                wait = self._backoff(attempt, parse_retry_after(resp.headers.get("Retry-After")))
                logger.info("HTTP %s from %s; retrying in %.1fs", resp.status_code, host, wait)
            progress.wait(wait)
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.policy.max_backoff_s)
        return float(min(self.policy.backoff_s * 2.0**attempt, self.policy.max_backoff_s))

    def close(self) -> None:
        self._session.close()
