"""``scholardesk gui --screenshot``: render one page offscreen, after its data has loaded."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from scholardesk.core.i18n import current_language
from scholardesk.gui.application import install_qt_translations, make_qapplication
from scholardesk.gui.main_window import MainWindow
from scholardesk.gui.settings_dialog import SettingsDialog
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services


def render_page(services: Services, page: str, out: Path, size: tuple[int, int]) -> Path:
    app = make_qapplication()
    install_qt_translations(app, current_language())
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    try:
        services.sample.load_if_first_start()
        window = MainWindow(services, runner)
        window.resize(*size)
        target: QWidget = window
        if page == "settings":
            dialog = SettingsDialog(services.settings, window)
            dialog.resize(min(size[0], 560), dialog.sizeHint().height())
            target = dialog
        else:
            window.show_page(page)
        window.show()
        target.show()
        # Pages load in the background; pages may chain a second load after the first.
        for _ in range(3):
            runner.wait_idle(60)
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not target.grab().save(str(out)):
            raise OSError(f"Could not write {out}")
        window.close()
        return out
    finally:
        runner.shutdown()
        TaskRunner.set_default(None)
