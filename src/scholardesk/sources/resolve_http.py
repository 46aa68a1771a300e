"""JSON GETs for the published-version sources: cached (only answers that parse are kept),
404 → None, anything that is not JSON → ``NetworkError`` naming the service."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress
from scholardesk.sources.http import HttpResponse, PoliteClient


def _parse(resp: HttpResponse) -> Any:
    try:
        return json.loads(resp.body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise ValueError(f"not JSON: {resp.body[:80]!r}") from exc


@dataclass
class RequestCount:
    """Requests that went to the network, and answers read from the cache."""

    network: int = 0
    cached: int = 0


def get_json(
    http: PoliteClient,
    url: str,
    params: dict[str, str | int],
    progress: Progress | None,
    service: str,
    headers: dict[str, str] | None = None,
    count: RequestCount | None = None,
) -> Any:
    """The parsed JSON answer, or None when the service does not know the thing (404)."""
    try:
        if count is not None:
            count.network += 1  # corrected below when the answer came from the cache
        resp, data = http.get_parsed(url, _parse, params=params, progress=progress,
                                     use_cache=True, headers=headers)
    except NetworkError:
        raise
    except ValueError as exc:  # pragma: no cover - get_parsed reports these as AnswerError
        raise NetworkError(f"{service} answered something that is not JSON.") from exc
    if count is not None and resp.from_cache:
        count.network -= 1
        count.cached += 1
    if resp.status == 404:
        return None
    return data
