"""A crawl's saved position survives unusable answers: a wrong-shaped or truncated Crossref
page raises, and the saved cursor stays where the last good page left it (a resumed crawl is
not restarted from the beginning because of it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.errors import NetworkError
from scholardesk.services.context import Services
from scholardesk.services.reviews import ReviewsService
from scholardesk.sources.http import HttpPolicy, PoliteClient
from scholardesk.store.reviews_repo import ReviewsRepository

Fixture = Callable[[str], Path]
WORKS = "/journals/2041-210X/works"
WRONG_SHAPE = b'{"status": "ok", "message-type": "notice", "message": {"note": "moved"}}'
TRUNCATED = b'{"status": "ok", "message": {"next-cursor": "EVIL", "items": [{"DOI": "10.1/'


@pytest.fixture
def client(tmp_path: Path) -> Iterator[PoliteClient]:
    http = PoliteClient(HttpPolicy(max_retries=0, backoff_s=0.01, timeout_s=3,
                                   cache_dir=tmp_path / "cache"))
    yield http
    http.close()


def _first_page(real_fixture: Fixture) -> bytes:
    name = "crossref/habanero_works_query_ecology_author_boettiger_20items.json"
    doc = json.loads(real_fixture(name).read_bytes())
    doc["message"]["next-cursor"] = "C2"
    return json.dumps(doc).encode()


def _state(services: Services) -> dict[str, Any] | None:
    with services.db.reading() as session:
        return ReviewsRepository(session).crawl_state("crossref", "2041-210X", "", "")


@pytest.mark.parametrize("poison", [WRONG_SHAPE, TRUNCATED], ids=["wrong shape", "truncated"])
def test_an_unusable_page_keeps_the_saved_cursor(
    services: Services, client: PoliteClient, local_server: Any, real_fixture: Fixture,
    poison: bytes,
) -> None:
    local_server.routes[WORKS] = [(200, {}, _first_page(real_fixture)), (200, {}, poison)]
    svc = ReviewsService(services.db, lambda: client, services.paths, services.settings,
                         crossref_base=local_server.base_url)
    with pytest.raises(NetworkError, match="not"):
        svc.collect("2041-210X", "crossref")
    state = _state(services)
    assert state is not None and state["cursor"] == "C2" and not state["done"]

    # Resumed against the same bad server: the stored cursor is asked for, not thrown away.
    local_server.requests.clear()
    with pytest.raises(NetworkError):
        svc.collect("2041-210X", "crossref")
    assert [r for r in local_server.requests if r.startswith(WORKS)] == [
        r for r in local_server.requests if "cursor=C2" in r]
    state = _state(services)
    assert state is not None and state["cursor"] == "C2" and not state["done"]
