"""``scholardesk library push --to URL`` / ``library pull --from URL``.

The other library is the ``db`` fixture (a migrated SQLite file, or a PostgreSQL database
with SCHOLARDESK_TEST_DATABASE_URL); the command's own library is a fresh ``--home``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.cli import main
from scholardesk.core.i18n import set_language
from scholardesk.store.db import Database


@pytest.fixture(autouse=True)
def _english_afterwards():  # type: ignore[no-untyped-def]
    yield
    set_language("en")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_push_then_pull_as_json_and_again_adds_nothing(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str],
    real_fixture: Callable[[str], Path],
) -> None:
    me = str(tmp_path / "me")
    bib = real_fixture("bibtex/pubs_three_articles.bib")
    assert _run(capsys, "--home", me, "papers", "import", str(bib), "--json")[0] == 0
    db.dispose()

    code, out, _ = _run(capsys, "--home", me, "library", "push", "--to", db.url, "--json")

    assert code == 0
    report = json.loads(out)
    assert report["direction"] == "push" and report["dry_run"] is False
    assert (report["papers"]["added"], report["papers"]["merged"]) == (3, 0)
    assert report["review_articles"]["added"] == 0
    assert report["not_covered"] == []
    for area in ("review_articles", "venues", "rank_lists", "venue_metrics",
                 "conference_editions", "experiments", "models", "submissions"):
        assert set(report[area]) >= {"added", "merged", "skipped", "left_out", "kept", "errors"}
    assert report["experiments"]["experiments_added"] == 0
    again = json.loads(_run(capsys, "--home", me, "library", "push", "--to", db.url,
                            "--json")[1])
    assert (again["papers"]["added"], again["papers"]["skipped"]) == (0, 3)
    other = str(tmp_path / "other")
    pulled = json.loads(_run(capsys, "--home", other, "library", "pull", "--from", db.url,
                             "--json")[1])
    assert pulled["papers"]["added"] == 3
    listed = json.loads(_run(capsys, "--home", other, "papers", "list", "--json")[1])
    assert len(listed) == 3


def test_dry_run_says_so_and_changes_nothing(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str],
    real_fixture: Callable[[str], Path],
) -> None:
    me = str(tmp_path / "me")
    _run(capsys, "--home", me, "papers", "import",
         str(real_fixture("bibtex/pubs_three_articles.bib")))

    code, out, _ = _run(capsys, "--home", me, "library", "push", "--to", db.url, "--dry-run")

    assert code == 0
    assert out.splitlines()[0] == "Dry run: nothing was changed."
    assert "papers: 3 added, 0 merged, 0 already there, 0 left out" in out
    assert "not copied yet" not in out
    assert "submissions: 0 added, 0 merged, 0 already there, 0 left out" in out
    check = json.loads(_run(capsys, "--home", str(tmp_path / "x"), "--db", db.url,
                            "papers", "list", "--json")[1])
    assert check == []


def test_report_in_chinese(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "--home", str(tmp_path / "me"), "--lang", "zh_CN",
                        "library", "push", "--to", db.url)
    assert code == 0
    assert "论文：新增 0，合并 0，已存在 0，未复制 0" in out
    assert "投稿：新增 0，合并 0，已存在 0，未复制 0" in out
    assert "暂不复制" not in out


def test_a_missing_library_is_one_line_that_says_how_to_make_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "lab.sqlite"
    code, _, err = _run(capsys, "--home", str(tmp_path / "me"), "library", "pull",
                        "--from", str(missing))
    assert code == 2
    assert err.strip() == (
        f"error: There is no library at {missing}. Run `scholardesk --db sqlite:///{missing} db upgrade` "
        "once (on a server: as its owner). It creates one.")
    assert not missing.exists()


def test_every_area_is_reported_in_json_and_text(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str],
    real_fixture: Callable[[str], Path],
) -> None:
    me = str(tmp_path / "me")
    warnings = real_fixture("showjcr/GJQKYJMD2024.csv")
    assert _run(capsys, "--home", me, "venues", "import-lists", str(warnings))[0] == 0
    db.dispose()

    code, out, _ = _run(capsys, "--home", me, "library", "push", "--to", db.url, "--json")

    assert code == 0
    report = json.loads(out)
    assert report["rank_lists"]["added"] == 1
    assert report["venues"]["added"] > 0 and report["venue_metrics"]["added"] > 0
    code, out, _ = _run(capsys, "--home", me, "library", "push", "--to", db.url)
    assert code == 0
    assert "rank lists: 0 added, 0 merged, 1 already there, 0 left out" in out
