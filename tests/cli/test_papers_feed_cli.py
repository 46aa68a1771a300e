"""``scholardesk papers feed | feedback | rules`` against a local server serving recorded arXiv
answers (../shared/fixtures/arxiv/)."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from scholardesk.cli import main
from scholardesk.core.i18n import set_language
from tests.services.test_papers_feed import ATOM, TESTING, feed, recorded_entries


@pytest.fixture
def home(
    tmp_path: Path, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    monkeypatch.setenv("SCHOLARDESK_SERVICE_ARXIV", local_server.base_url + "/api/query")  # type: ignore[attr-defined]
    local_server.routes["/api/query"] = [  # type: ignore[attr-defined]
        (200, ATOM, feed(recorded_entries(real_fixture, TESTING)))]
    folder = str(tmp_path / "home")
    assert main(["--home", folder, "papers", "subscribe", "cs.SE"]) == 0
    yield folder  # type: ignore[misc]
    set_language("en")


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_update_then_the_feed_as_json(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--home", home, "papers", "feed", "update", "--json"]) == 0
    report = _json(capsys)
    assert isinstance(report, dict) and report["new"] == 10 and report["malformed"] == 0
    assert main(["--home", home, "papers", "feed", "--json", "--top", "3"]) == 0
    rows = _json(capsys)
    assert isinstance(rows, list) and len(rows) == 3
    for row in rows:
        assert {"arxiv_id", "title", "score", "reasons", "tags_suggested", "seen"} <= set(row)
        assert row["seen"] is False and "v" in row["arxiv_id"]
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_feedback_hides_a_paper_and_likes_add_it_to_the_library(
    home: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--home", home, "papers", "feed", "update"])
    capsys.readouterr()
    main(["--home", home, "papers", "feed", "--json"])
    rows = _json(capsys)
    assert isinstance(rows, list) and len(rows) == 10
    first, second, third = (r["arxiv_id"] for r in rows[:3])
    assert main(["--home", home, "papers", "feedback", first, "--skip"]) == 0
    assert main(["--home", home, "papers", "feedback", second, "--not-interested"]) == 0
    assert main(["--home", home, "papers", "feedback", third, "--like", "testing"]) == 0
    out = capsys.readouterr().out
    assert "added to the library with the tag testing" in out
    main(["--home", home, "papers", "feed", "--json"])
    left = {r["arxiv_id"] for r in _json(capsys)}  # type: ignore[union-attr]
    assert len(left) == 7 and not {first, second, third} & left
    main(["--home", home, "papers", "list", "--tag", "testing", "--json"])
    listed = _json(capsys)
    assert isinstance(listed, list) and len(listed) == 1


def test_feedback_for_an_unknown_paper_says_how_to_get_it(
    home: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", home, "papers", "feedback", "2501.00001", "--skip"]) != 0
    assert "not in the feed" in capsys.readouterr().err


def test_rules_add_list_remove(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", home, "papers", "rules", "add", "--include", "fuzzing",
                 "--mute-category", "cs.CV", "--follow-author", "Robert Feldt"]) == 0
    assert "3 rules added" in capsys.readouterr().out
    assert main(["--home", home, "papers", "rules", "list", "--json"]) == 0
    assert _json(capsys) == [
        {"kind": "include", "value": "fuzzing"},
        {"kind": "author", "value": "Robert Feldt"},
        {"kind": "category", "value": "cs.CV"},
    ]
    assert main(["--home", home, "papers", "rules", "remove", "--include", "fuzzing"]) == 0
    assert "1 rule removed" in capsys.readouterr().out
    main(["--home", home, "papers", "rules", "list", "--json"])
    assert [r["value"] for r in _json(capsys)] == ["Robert Feldt", "cs.CV"]  # type: ignore[union-attr]


def test_the_feed_in_chinese(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", home, "--lang", "zh_CN", "papers", "feed", "update"]) == 0
    assert "10 篇新论文" in capsys.readouterr().out
