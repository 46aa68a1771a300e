"""Starts Qt: the application object, translations, the exception hook, the library (with a
way out when it cannot be opened), the instance lock, the main window and the first-start
sample data."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from scholardesk.core.config import DB_FILENAME, Paths, remember_home
from scholardesk.core.errors import LibraryError
from scholardesk.core.i18n import current_language, tr
from scholardesk.core.instance_lock import InstanceLock
from scholardesk.gui import gc_guard
from scholardesk.gui.errors import install_exception_hook
from scholardesk.gui.main_window import MainWindow
from scholardesk.gui.tasks import Task, TaskRunner
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

OpenServices = Callable[[Paths, "str | None"], Services]


def make_qapplication() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("ScholarDesk")
    app.setOrganizationName("ScholarDesk")
    gc_guard.install(app)
    return app


def install_qt_translations(app: QApplication, language: str) -> None:
    """Qt's own strings (standard buttons, file dialogs) in the chosen language."""
    if language == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(language), "qtbase", "_", folder):
        app.installTranslator(translator)


class Session:
    """The open library of a running app: services, lock and window; replaceable on switch."""

    def __init__(self, app: QApplication, language: str | None, open_services: OpenServices):
        self.app = app
        self.language = language
        self.open_services = open_services
        self.runner = TaskRunner()
        TaskRunner.set_default(self.runner)
        self.services: Services | None = None
        self.lock: InstanceLock | None = None
        self.window: MainWindow | None = None

    def open(self, paths: Paths) -> bool:
        """Open the library at ``paths``; on failure offer another location. False = quit."""
        while True:
            try:
                paths.ensure()
                lock = InstanceLock(paths.home)
                lock.acquire()
                try:
                    services = self.open_services(paths, self.language)
                except BaseException:
                    lock.release()
                    raise
            except LibraryError as exc:
                logger.warning("Cannot open library %s: %s", paths.db_url, exc)
                other = self._ask_other_location(exc, paths)
                if other is None:
                    return False
                paths = other
                continue
            self._install(services, lock)
            return True

    def failure_box(self, exc: LibraryError, paths: Paths) -> tuple[QMessageBox, dict[str, object]]:
        """The "cannot open the library" question and its buttons by what they do: "local"
        (a library on a server could not be opened: the personal one in the data folder
        instead), "choose" (another folder), "quit"."""
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("Cannot open the library"))
        box.setText(exc.message)
        box.setInformativeText(exc.hint)
        buttons: dict[str, object] = {}
        if paths.sqlite_file is None:
            buttons["local"] = box.addButton(tr("Open my local library instead"),
                                             QMessageBox.ButtonRole.AcceptRole)
        buttons["choose"] = box.addButton(tr("Choose another location…"),
                                          QMessageBox.ButtonRole.AcceptRole)
        buttons["quit"] = box.addButton(tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        return box, buttons

    def _ask_other_location(self, exc: LibraryError, paths: Paths) -> Paths | None:
        box, buttons = self.failure_box(exc, paths)
        box.exec()
        clicked = box.clickedButton()
        if clicked is buttons.get("local"):
            return local_library(paths.home)
        if clicked is not buttons["choose"]:
            return None
        folder = QFileDialog.getExistingDirectory(None, tr("Choose a library folder"), str(paths.home.parent))
        return local_library(Path(folder)) if folder else None

    def _install(self, services: Services, lock: InstanceLock) -> None:
        self.close_library()
        self.services, self.lock = services, lock
        self.window = MainWindow(services, self.runner, switch_library=self.switch)
        self.window.show()
        Task(services.sample.load_if_first_start).with_progress(
            tr("Loading the sample library")
        ).start()

    def switch(self, folder: Path) -> None:
        """File > Library location: open another library folder in place of this one."""
        old_paths = self.services.paths if self.services else None
        new_paths = local_library(folder)
        if old_paths is not None and new_paths.db_url == old_paths.db_url:
            return
        self.runner.cancel_all()
        self.runner.wait_idle()
        if self.open(new_paths):
            remember_home(new_paths.home)

    def close_library(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.services is not None:
            self.services.close()
            self.services = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def shutdown(self) -> None:
        self.runner.shutdown()
        self.close_library()


def local_library(folder: Path) -> Paths:
    """The SQLite library in ``folder``, whatever --db or SCHOLARDESK_DB named (a server that
    refused is not asked again)."""
    home = folder.expanduser().resolve()
    return Paths(home=home, db_url=f"sqlite:///{(home / DB_FILENAME).as_posix()}")


def run_application(paths: Paths, language: str | None, open_services: OpenServices) -> int:
    app = make_qapplication()
    install_exception_hook()
    session = Session(app, language, open_services)
    if not session.open(paths):
        return 1
    install_qt_translations(app, current_language())
    app.setQuitOnLastWindowClosed(True)
    try:
        return app.exec()
    finally:
        session.shutdown()
