"""Opening a library from the GUI: a bad file offers another location, never a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scholardesk.app import open_services
from scholardesk.core.config import Paths
from scholardesk.core.errors import ScholarDeskError
from scholardesk.gui import errors as gui_errors
from scholardesk.gui.application import Session, make_qapplication


def test_a_file_that_is_not_a_library_leads_to_another_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: Any
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "library.sqlite").write_text("not sqlite", encoding="utf-8")
    asked: list[str] = []

    def choose_other(self: Session, exc: ScholarDeskError, paths: Paths) -> Paths:
        asked.append(exc.message)
        return Paths.resolve(tmp_path / "good")

    monkeypatch.setattr(Session, "_ask_other_location", choose_other)
    session = Session(make_qapplication(), None, open_services)
    try:
        assert session.open(Paths.resolve(bad))
        assert "not a ScholarDesk library" in asked[0]
        assert session.services is not None
        assert session.services.paths.home == (tmp_path / "good").resolve()
        assert (bad / "library.sqlite").read_text(encoding="utf-8") == "not sqlite"
        session.runner.wait_idle(30)
    finally:
        session.shutdown()


def test_declining_another_location_quits_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: Any
) -> None:
    (tmp_path / "library.sqlite").write_bytes(b"\x00" * 100)
    monkeypatch.setattr(Session, "_ask_other_location", lambda *a: None)
    session = Session(make_qapplication(), None, open_services)
    assert session.open(Paths.resolve(tmp_path)) is False
    session.shutdown()


def test_a_server_library_that_cannot_be_opened_offers_the_local_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: Any
) -> None:
    pytest.importorskip("psycopg")
    from PySide6.QtWidgets import QMessageBox

    offered: list[list[str]] = []

    def click_local(box: QMessageBox) -> int:  # instead of waiting for the user
        offered.append([b.text() for b in box.buttons()])
        next(b for b in box.buttons() if b.text() == "Open my local library instead").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_local)
    monkeypatch.setenv("SCHOLARDESK_DB", "postgresql+psycopg://lab@127.0.0.1:9/lab_library")
    server = Paths.resolve(tmp_path / "home")  # what --db / SCHOLARDESK_DB gave: port 9 refuses
    assert server.sqlite_file is None
    session = Session(make_qapplication(), None, open_services)
    try:
        assert session.open(server)
        assert "Open my local library instead" in offered[0] and "Quit" in offered[0]
        assert session.services is not None
        assert session.services.paths.sqlite_file == (tmp_path / "home").resolve() / "library.sqlite"
        session.runner.wait_idle(30)
    finally:
        session.shutdown()


def test_switching_library_opens_the_other_folder(tmp_path: Path, qapp: Any) -> None:
    session = Session(make_qapplication(), None, open_services)
    try:
        assert session.open(Paths.resolve(tmp_path / "one"))
        session.runner.wait_idle(30)
        session.switch(tmp_path / "two")
        assert session.services is not None
        assert session.services.paths.home == (tmp_path / "two").resolve()
        assert Paths.resolve().home == (tmp_path / "two").resolve()  # remembered for next start
        session.runner.wait_idle(30)
    finally:
        session.shutdown()


def test_unexpected_errors_are_logged_not_fatal(caplog: pytest.LogCaptureFixture, qapp: Any) -> None:
    import sys

    gui_errors.install_exception_hook()
    try:
        try:
            raise ValueError("kaboom")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = sys.__excepthook__
    assert "kaboom" in caplog.text
