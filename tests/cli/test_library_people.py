"""``scholardesk library people``: who keeps what in this library (issue #18)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scholardesk.cli import main
from scholardesk.core import i18n
from scholardesk.domain.papers import PaperFilter
from scholardesk.store.db import Database
from scholardesk.store.papers_feed_repo import PapersFeedRepository
from scholardesk.store.papers_repo import PapersRepository
from scholardesk.store.submissions_repo import NewSubmission, SubmissionsRepository

BIB = """@article{a, title={Conformer for speech}, author={A. Author}, year={2024}}
@article{b, title={Whisper at scale}, author={B. Author}, year={2023}}
"""


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A personal library with two papers: the owner read both and tagged one; bob (a second
    person, as a shared library scopes sessions) marked one and keeps a rule and a manuscript."""
    folder = tmp_path / "home"
    bib = tmp_path / "lab.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert main(["--home", str(folder), "papers", "import", str(bib)]) == 0
    db = Database(f"sqlite:///{folder / 'library.sqlite'}")
    try:
        with db.transaction() as session:
            ids = PapersRepository(session).ids(PaperFilter())
            PapersRepository(session).set_fields(ids, status="read")
            PapersRepository(session).add_tags(ids[:1], ["asr"])
        with db.transaction() as session:
            session.info["person"] = "bob"
            PapersRepository(session).set_fields(ids[:1], rating=5)
            PapersFeedRepository(session).add_rule("author", "Hinton")
            SubmissionsRepository(session).add(
                NewSubmission(title="Streaming ASR", venue="ICASSP"), dt.datetime(2026, 12, 1))
    finally:
        db.dispose()
    capsys.readouterr()
    return folder


def test_people_lists_everyone_with_their_counts(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "library", "people"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "(the library's owner) (you): 2 papers marked · 1 tag · 0 feed triage states · "
        "0 feed rules · 0 submissions",
        "bob: 1 paper marked · 0 tags · 0 feed triage states · 1 feed rule · 1 submission",
    ]


def test_people_as_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "library", "people", "--json"]) == 0
    people = json.loads(capsys.readouterr().out)["people"]
    assert people == [
        {"person": "", "is_you": True, "papers_marked": 2, "tags": 1, "feed_states": 0,
         "feed_rules": 0, "submissions": 0},
        {"person": "bob", "is_you": False, "papers_marked": 1, "tags": 0, "feed_states": 0,
         "feed_rules": 1, "submissions": 1},
    ]


def test_people_in_chinese(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        assert main(["--home", str(home), "--lang", "zh_CN", "library", "people"]) == 0
    finally:
        i18n.set_language("en")
    out = capsys.readouterr().out
    assert "（你）" in out and "库的所有者" in out and "bob" in out
    assert "papers marked" not in out
