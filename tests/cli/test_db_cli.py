from __future__ import annotations

import json
from pathlib import Path

import pytest

from scholardesk import __version__
from scholardesk.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_db_check_reports_revision_and_integrity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(tmp_path), "db", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["integrity"] == "ok"
    assert report["up_to_date"] is True
    assert report["revision"] == report["head"] and report["revision"]


def test_db_backup_and_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(tmp_path), "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--home", str(tmp_path), "db", "backup", "--json"]) == 0
    backup = Path(json.loads(capsys.readouterr().out)["backup"])
    assert backup.exists() and backup.parent == tmp_path.resolve() / "backups"


def test_a_file_that_is_not_a_library_gives_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "library.sqlite").write_text("hello", encoding="utf-8")
    assert main(["--home", str(tmp_path), "db", "check"]) == 2
    err = capsys.readouterr().err
    assert "not a ScholarDesk library" in err
    assert (tmp_path / "library.sqlite").read_text(encoding="utf-8") == "hello"


def test_db_url_option_points_at_another_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "elsewhere.sqlite"
    assert main(["--home", str(tmp_path / "h"), "--db", f"sqlite:///{other}", "db", "check", "--json"]) == 0
    assert other.exists()
    assert json.loads(capsys.readouterr().out)["url"].endswith("elsewhere.sqlite")
