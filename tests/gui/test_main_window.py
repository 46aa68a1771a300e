"""The shell: navigation to every page, menus, task status, screenshots, one GUI per library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.cli import main
from scholardesk.core import i18n
from scholardesk.core.errors import LibraryInUseError
from scholardesk.core.instance_lock import InstanceLock
from scholardesk.gui.main_window import MainWindow
from scholardesk.gui.page_registry import PAGES
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services


@pytest.fixture
def window(services: Services, qtbot: Any) -> Iterator[MainWindow]:
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    win = MainWindow(services, runner)
    qtbot.addWidget(win)
    win.show()
    runner.wait_idle(30)  # the first page has loaded (as shared_window below)
    yield win
    runner.wait_idle(30)
    runner.shutdown()
    TaskRunner.set_default(None)


def test_the_navigation_lists_the_six_areas(window: MainWindow) -> None:
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names == ["Papers", "New papers", "Venues", "Review times", "Submissions",
                     "Experiments", "Models"]


def test_every_page_opens(window: MainWindow) -> None:
    for spec in PAGES:
        page = window.show_page(spec.name)
        assert window.stack.currentWidget() is page
        assert page.area == spec.name
        window.runner.wait_idle(30)


def test_the_menus_offer_library_and_help_actions(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Help"]
    file_entries = [a.text() for a in window.file_menu.actions() if a.text()]
    assert "&Library location…" in file_entries and "&Quit" in file_entries
    assert "Delete &sample data" in file_entries


def test_a_second_window_on_the_same_library_is_refused(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path)
    first.acquire()
    try:
        with pytest.raises(LibraryInUseError, match="already has the library"):
            InstanceLock(tmp_path).acquire()
    finally:
        first.release()
    InstanceLock(tmp_path).acquire()  # free again once the first window closed


@pytest.mark.parametrize("page", ["papers", "settings"])
def test_screenshot_command_writes_a_png(tmp_path: Path, page: str, qapp: Any) -> None:
    out = tmp_path / f"{page}.png"
    assert main(["--home", str(tmp_path / "home"), "gui", "--screenshot", str(out), "--page", page, "--size", "900x600"]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    if page != "settings":
        assert (image.width(), image.height()) == (900, 600)


def test_the_shell_speaks_chinese(services: Services, qtbot: Any) -> None:
    i18n.set_language("zh_CN")
    try:
        runner = TaskRunner()
        win = MainWindow(services, runner)
        qtbot.addWidget(win)
        assert win.nav.item(0).text() == "论文"
        assert win.menuBar().actions()[0].text() == "文件(&F)"
        runner.wait_idle(30)
        runner.shutdown()
    finally:
        i18n.set_language("en")


# --- who you are in a shared library (issue #18) ------------------------------------------------

def test_a_new_name_in_settings_applies_at_once(window: MainWindow) -> None:
    from dataclasses import replace

    db = window.services.db
    window.apply_settings(replace(window.services.settings, library_person="alice"))
    assert db.person_name == "alice"  # Database.set_person_name: sessions act as alice now
    assert window.services.settings.library_person == "alice"
    assert window.services.settings.load(window.services.paths.settings_file).library_person == "alice"


def test_the_status_bar_of_a_personal_library_names_nobody(window: MainWindow) -> None:
    if not window.services.db.is_sqlite:
        pytest.skip("a personal (SQLite) library")
    assert window.person_label.text() == "" and window.person_label.isHidden()


def test_the_status_bar_text_says_who_you_are_in_a_shared_library() -> None:
    from scholardesk.gui.main_window import shared_library_text

    assert shared_library_text(True, "") == ""
    assert shared_library_text(False, "alice") == "Shared library · you are alice"
    try:
        i18n.set_language("zh_CN")
        assert shared_library_text(False, "alice") == "共享库 · 你是 alice"
    finally:
        i18n.set_language("en")


@pytest.fixture
def shared_window(services: Services, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """A window on a library that acts as a shared one: not SQLite, and the person is the name
    from Settings, else the database role ("lab_role"), as on a PostgreSQL server."""
    from scholardesk.store.db import Database
    from scholardesk.store.people import clean_person_name

    monkeypatch.setattr(Database, "is_sqlite", property(lambda self: False))
    monkeypatch.setattr(Database, "person", property(
        lambda self: clean_person_name(self.person_name) or "lab_role"))
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    win = MainWindow(services, runner)
    qtbot.addWidget(win)
    win.show()
    runner.wait_idle(30)
    yield win
    runner.wait_idle(30)
    runner.shutdown()
    TaskRunner.set_default(None)


def test_a_shared_library_shows_who_you_are_and_a_new_name_reloads_your_pages(
        shared_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    win = shared_window
    assert win.person_label.text() == "Shared library · you are lab_role"
    assert not win.person_label.isHidden()
    for name in ("submissions", "venues", "papers"):  # papers last: the current page
        win.show_page(name)
    win.runner.wait_idle(30)
    reloaded: list[str] = []
    for name, page in win.pages.items():
        monkeypatch.setattr(page, "refresh", lambda n=name: reloaded.append(n))

    win.apply_settings(replace(win.services.settings, library_person="alice"))
    assert win.person_label.text() == "Shared library · you are alice"
    assert sorted(reloaded) == ["papers", "submissions"]  # venues are everyone's

    reloaded.clear()
    win.apply_settings(replace(win.services.settings, contact_email="me@ustc.edu.cn"))
    assert reloaded == []  # the same person: nothing to reload
    assert win.person_label.text() == "Shared library · you are alice"


def test_a_name_the_shared_library_refuses_is_not_saved_and_says_why(
        shared_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from scholardesk.core.errors import InputError
    from scholardesk.gui import main_window
    from scholardesk.store.db import Database

    def refuse(self: Database) -> str:
        if self.person_name == "carol":
            raise InputError("The name 'carol' in Settings is the database role of another "
                             "member of this shared library; you log in as 'lab_role'.")
        return self.person_name or "lab_role"

    monkeypatch.setattr(Database, "person", property(refuse))
    shown: list[str] = []
    monkeypatch.setattr(main_window, "show_error", lambda parent, exc: shown.append(str(exc)))
    win = shared_window
    before = win.services.settings
    assert not win.apply_settings(replace(before, library_person="carol"))
    assert shown and "another member" in shown[0]
    assert win.services.settings == before  # not saved
    assert win.services.db.person_name == "" and win.services.db.person == "lab_role"
    assert win.person_label.text() == "Shared library · you are lab_role"
