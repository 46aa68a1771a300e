from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk import __version__
from scholardesk.cli import main
from scholardesk.store.db import Database


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


# --- a read-only library folder, a full disk -------------------------------------------------

NOBODY = 65534


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder outside pytest's private (0700) temporary tree, so another user can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="scholardesk-ro-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def _as_unprivileged(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process that cannot write ``home``.

    The tests run as root, and root ignores file modes: ``chmod a-w`` alone would reproduce
    nothing. So the child drops to the ``nobody`` user first (when we are root); a normal user
    is already bound by the modes. (Checked: the child runs with no capabilities at all.) SQLite, the log file and the backups then meet exactly what
    a user meets in a folder they may only read."""
    env = {**os.environ, "XDG_DATA_HOME": str(home.parent), "XDG_CONFIG_HOME": str(home.parent),
           "HOME": str(home.parent)}
    command = [sys.executable, "-m", "scholardesk", "--home", str(home), *args]
    if os.geteuid() == 0:  # util-linux's setpriv: uid and gid nobody, no groups, no capabilities
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot become an unprivileged user")
        command = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=False,
        cwd=home.parent,
    )


def _read_only_library(shared_dir: Path) -> Path:
    home = shared_dir / "library"
    bib = shared_dir / "one.bib"
    bib.write_text("@article{k1, title={A stored paper}, author={Doe, Jane}, year={2020},"
                   " doi={10.1000/ro}}\n", encoding="utf-8")
    assert main(["--home", str(home), "papers", "import", str(bib)]) == 0
    for path in [home, *home.rglob("*")]:  # a clean close leaves no -wal / -shm file
        path.chmod(0o555 if path.is_dir() else 0o444)
    probe = _as_unprivileged(home, "--version")
    if probe.returncode != 0:
        pytest.skip(f"cannot run the CLI as an unprivileged user here: {probe.stderr[-300:]}")
    return home


def test_a_read_only_library_folder_can_still_be_read(shared_dir: Path) -> None:
    home = _read_only_library(shared_dir)
    out = shared_dir / "copies"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    for args in (["db", "check", "--json"], ["papers", "list", "--json"],
                 ["db", "backup", "--to", str(out), "--json"]):
        result = _as_unprivileged(home, *args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        warnings = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(warnings) == 1 and "cannot write the log file" in warnings[0], result.stderr
    listed = json.loads(_as_unprivileged(home, "papers", "list", "--json").stdout)
    assert [p["doi"] for p in listed] == ["10.1000/ro"]
    assert len(list(out.glob("*.sqlite"))) == 1
    assert sorted(p.name for p in home.iterdir()) == ["backups", "cache", "library.sqlite", "logs"]


def test_writing_to_a_read_only_library_folder_says_so_in_one_line(shared_dir: Path) -> None:
    home = _read_only_library(shared_dir)
    before = (home / "library.sqlite").read_bytes()
    bib = shared_dir / "more.bib"
    bib.write_text("@article{k2, title={Another paper}, author={Roe, Max}, year={2021}}\n",
                   encoding="utf-8")
    bib.chmod(0o644)
    result = _as_unprivileged(home, "papers", "import", str(bib))
    assert result.returncode == 2
    assert f"error: the library folder is read-only: {home}" in result.stderr
    assert "Traceback" not in result.stderr
    assert (home / "library.sqlite").read_bytes() == before


def test_a_full_disk_during_an_import_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's ``max_page_count`` makes SQLite itself report SQLITE_FULL on the real library
    file, as a full disk does; it is set on each connection the command opens (the only
    change to the program under test), with room for the schema but not for the import."""
    home = tmp_path / "home"
    assert main(["--home", str(home), "db", "upgrade"]) == 0
    capsys.readouterr()
    pages = sqlite3.connect(home / "library.sqlite").execute("PRAGMA page_count").fetchone()[0]
    on_connect = Database._on_connect

    def limited(self: Database, dbapi_connection: Any, record: Any) -> None:
        on_connect(self, dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 4}")

    monkeypatch.setattr(Database, "_on_connect", limited)
    bib = tmp_path / "big.bib"
    bib.write_text("".join(
        f"@article{{k{n}, title={{Paper {n} about a rather long subject}}, author={{Doe, Jane}},"
        f" year={{2020}}, abstract={{{'words ' * 60}}}}}\n" for n in range(3000)
    ), encoding="utf-8")
    assert main(["--home", str(home), "papers", "import", str(bib)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: the disk is full: {home / 'library.sqlite'}")
    assert len(err.strip().splitlines()) == 1 and len(err) < 400
    assert "INSERT" not in err and "Paper 1" not in err
    monkeypatch.undo()
    assert main(["--home", str(home), "db", "check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["integrity"] == "ok"


# --- who is acting (issue #18) ----------------------------------------------------------------

def test_db_check_says_who_you_are_in_a_personal_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(tmp_path), "db", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["person"], report["person_source"]) == ("", "personal")
    assert main(["--home", str(tmp_path), "db", "check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "library", "revision", "head", "integrity", "person"]  # the old lines stay as they were
    assert lines[-1] == "person:    you (a personal library has one person)"


def test_the_person_line_says_where_the_name_comes_from() -> None:
    from scholardesk.cli.db import person_line

    assert person_line("alice", "settings") == "alice (the name in Settings)"
    assert person_line("lab_alice", "role") == "lab_alice (your database role)"
    assert person_line("", "personal") == "you (a personal library has one person)"
