"""File → Import → Papers from a Zotero library…"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from scholardesk.gui.tasks import TaskRunner  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.shutdown()
    TaskRunner.set_default(None)


def make_page(services: Services, qtbot: Any, runner: TaskRunner) -> Any:
    from scholardesk.gui.papers.page import PapersPage

    page = PapersPage(services)
    runner.changes_applied.connect(page.on_changes)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.refresh()
    runner.wait_idle()
    return page


def test_import_from_zotero_fills_the_table_and_says_what_happened(
    services: Services, qtbot: Any, runner: TaskRunner, real_fixture: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    from scholardesk.gui.papers.zotero_import import ZoteroResultDialog, import_from_zotero

    folder = tmp_path / "Zotero"
    folder.mkdir()
    shutil.copyfile(real_fixture("zotero/chen-zhihui_zotero5_2018.sqlite"),
                    folder / "zotero.sqlite")
    page = make_page(services, qtbot, runner)
    texts = [a.text() for a in page.import_actions()]
    assert "Papers from a Zotero library…" in texts
    import_from_zotero(page, str(folder))
    runner.wait_idle()
    qtbot.waitUntil(lambda: page.model.rowCount() == 12, timeout=10_000)
    assert page.last_report.imported == 12
    dialog = page.findChild(ZoteroResultDialog)
    assert dialog is not None
    assert "12 added, 0 updated, 0 unchanged" in dialog.zotero.text()
    assert "4 items in the trash left out" in dialog.zotero.text()
    dialog.close()


def test_dialog_starts_at_zoteros_default_folder(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scholardesk.gui.papers.zotero_import import ZoteroImportDialog, default_folder

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert default_folder() == str(tmp_path / "Zotero")
    dialog = ZoteroImportDialog(default_folder())
    qtbot.addWidget(dialog)
    assert dialog.value() == str(tmp_path / "Zotero")


def test_result_says_how_many_were_skipped_as_deleted_here(
    services: Services, qtbot: Any, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from scholardesk.gui.papers.zotero_import import ZoteroResultDialog

    folder = tmp_path / "Zotero"
    folder.mkdir()
    shutil.copyfile(real_fixture("zotero/chen-zhihui_zotero5_2018.sqlite"),
                    folder / "zotero.sqlite")
    services.papers.import_zotero(folder)
    services.papers.delete(services.papers.list_ids()[:2])
    dialog = ZoteroResultDialog(services.papers.import_zotero(folder))
    qtbot.addWidget(dialog)
    assert "2 skipped (deleted here; they come back when they change in Zotero)." in (
        dialog.zotero.text())
