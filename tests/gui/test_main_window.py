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
