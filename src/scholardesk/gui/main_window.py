"""The main window: navigation on the left, one page per area, menus, task status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from scholardesk import __version__
from scholardesk.core.config import Settings
from scholardesk.core.errors import ScholarDeskError
from scholardesk.core.i18n import tr, trn
from scholardesk.domain.changes import PAPERS, REVIEWS, SUBMISSIONS, Changes
from scholardesk.gui.errors import show_error
from scholardesk.gui.page_base import Page
from scholardesk.gui.page_registry import PAGES, PageSpec
from scholardesk.gui.settings_dialog import SettingsDialog
from scholardesk.gui.task_status import TaskStatusWidget
from scholardesk.gui.tasks import Task, TaskRunner
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

# the areas whose data belongs to a person (marks, tags, feed, submissions): they reload when
# the person changes
PERSON_AREAS = Changes.of(PAPERS, SUBMISSIONS, REVIEWS)


def shared_library_text(is_sqlite: bool, person: str) -> str:
    """The status bar's note of who you are in a shared library ("" for a personal one)."""
    if is_sqlite:
        return ""
    return tr("Shared library · you are {person}", person=person)


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        switch_library: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.runner = runner
        self._switch_library = switch_library
        self.pages: dict[str, Page] = {}
        self.setWindowTitle(tr("ScholarDesk — {location}", location=services.paths.home))
        self.resize(1280, 800)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.nav.setIconSize(QSize(16, 16))
        self.nav.setStyleSheet(
            "QListWidget#navigation { border: none; background: palette(window);"
            " font-size: 14px; padding-top: 8px; }"
            "QListWidget#navigation::item { padding: 9px 14px; border-radius: 4px; margin: 1px 6px; }"
            "QListWidget#navigation::item:selected { background: #2b6cb0; color: white; }"
        )
        self.stack = QStackedWidget()
        for spec in PAGES:
            item = QListWidgetItem(spec.title())
            item.setData(Qt.ItemDataRole.UserRole, spec.name)
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # replaced by the page when first shown
        self.nav.currentRowChanged.connect(self.show_page_at)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.task_status = TaskStatusWidget(runner)
        self.statusBar().addPermanentWidget(self.task_status)
        self.person_label = QLabel()
        self.person_label.setObjectName("shared-library-person")
        self.statusBar().addPermanentWidget(self.person_label)
        self._update_person_label()
        self.statusBar().showMessage(tr("Library: {path}", path=services.paths.db_url), 8000)
        runner.changes_applied.connect(self.apply_changes)
        self._build_menus()
        self.nav.setCurrentRow(0)

    # -- pages -------------------------------------------------------------------------------
    def page(self, name: str) -> Page:
        for row, spec in enumerate(PAGES):
            if spec.name == name:
                return self._ensure_page(row, spec)
        raise KeyError(name)

    def show_page(self, name: str) -> Page:
        page = self.page(name)
        self.nav.setCurrentRow([s.name for s in PAGES].index(name))
        return page

    def show_page_at(self, row: int) -> None:
        if row < 0:
            return
        page = self._ensure_page(row, PAGES[row])
        self.stack.setCurrentWidget(page)
        self._rebuild_file_menu()

    def _ensure_page(self, row: int, spec: PageSpec) -> Page:
        if spec.name not in self.pages:
            page_class = spec.load()
            page: Page = page_class(self.services)
            page.setObjectName(f"page-{spec.name}")
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages[spec.name] = page
            page.refresh()
        return self.pages[spec.name]

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def apply_changes(self, changes: Changes) -> None:
        for page in self.pages.values():
            page.on_changes(changes)

    # -- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(tr("&File"))
        self.import_menu = QMenu(tr("&Import"), self)
        self.export_menu = QMenu(tr("&Export"), self)

        view = bar.addMenu(tr("&View"))
        for i, spec in enumerate(PAGES):
            action = QAction(spec.title(), self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, r=i: self.nav.setCurrentRow(r))
            view.addAction(action)
        view.addSeparator()
        refresh = QAction(tr("&Refresh"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self._refresh_current)
        view.addAction(refresh)

        help_menu = bar.addMenu(tr("&Help"))
        help_menu.addAction(tr("&About ScholarDesk"), self._about)
        help_menu.addAction(tr("Open &data folder"), lambda: self._open_path(self.services.paths.home))
        help_menu.addAction(tr("Open &log file"), lambda: self._open_path(self.services.paths.log_file))
        self._rebuild_file_menu()

    def _rebuild_file_menu(self) -> None:
        menu = self.file_menu
        menu.clear()
        self.import_menu.clear()
        self.export_menu.clear()
        page = self.current_page()
        for action in page.import_actions() if page else []:
            self.import_menu.addAction(action)
        for action in page.export_actions() if page else []:
            self.export_menu.addAction(action)
        self.import_menu.setEnabled(not self.import_menu.isEmpty())
        self.export_menu.setEnabled(not self.export_menu.isEmpty())
        menu.addMenu(self.import_menu)
        menu.addMenu(self.export_menu)
        menu.addSeparator()
        menu.addAction(tr("&Library location…"), self._choose_library)
        menu.addAction(tr("Back &up library"), self._backup)
        menu.addAction(tr("Delete &sample data"), self._delete_sample)
        menu.addSeparator()
        settings = menu.addAction(tr("&Settings…"), self.open_settings)
        settings.setShortcut(QKeySequence.StandardKey.Preferences)
        quit_action = menu.addAction(tr("&Quit"), self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

    def _refresh_current(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.services.settings, self)
        if dialog.exec() and self.apply_settings(dialog.result_settings()):
            QMessageBox.information(
                self, tr("Settings"), tr("Settings saved. A new language applies after a restart.")
            )

    def apply_settings(self, settings: Settings) -> bool:
        """Save new settings; a new name in a shared library applies at once: the pages whose
        data is a person's (and the current one) reload as that person. A name the library
        refuses (another member's database role) is not saved: says why, returns False."""
        old = self.services.settings.library_person
        changed = settings.library_person != old
        if changed:
            db = self.services.db
            db.set_person_name(settings.library_person)
            try:
                db.person  # noqa: B018  (resolved now: refused before anything is saved)
            except ScholarDeskError as exc:
                db.set_person_name(old)
                show_error(self, exc)
                return False
        self.services.apply_settings(settings)
        if not changed:
            return True
        self._update_person_label()
        current = self.current_page()
        for page in self.pages.values():
            if page is current:
                page.refresh()  # as View > Refresh does
            else:
                page.on_changes(PERSON_AREAS)

    def _update_person_label(self) -> None:
        db = self.services.db
        text = shared_library_text(db.is_sqlite, "" if db.is_sqlite else db.person)
        self.person_label.setText(text)
        self.person_label.setVisible(bool(text))

    def _choose_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, tr("Choose a library folder"), str(self.services.paths.home)
        )
        if folder and self._switch_library is not None:
            self._switch_library(Path(folder))

    def _backup(self) -> None:
        Task(lambda _p: self.services.library.backup()).with_progress(
            tr("Backing up the library")
        ).on_success(
            lambda path: self.statusBar().showMessage(tr("Backed up to {path}", path=path), 10000)
        ).start()

    def _delete_sample(self) -> None:
        answer = QMessageBox.question(
            self,
            tr("Delete sample data"),
            tr("Remove every record of the sample library? Your own records are kept."),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(result: tuple[int, Changes]) -> None:
            self.apply_changes(result[1])
            self.statusBar().showMessage(trn("Removed {n} sample record.", "Removed {n} sample records.", result[0]), 10000)

        Task(lambda _p: self.services.sample.delete()).with_progress(
            tr("Deleting sample data")
        ).on_success(done).start()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            tr("About ScholarDesk"),
            tr(
                "ScholarDesk {version}\n\nPapers, venues, review times, submissions, "
                "experiments and model demos in one local library.\n\nLibrary: {url}",
                version=__version__,
                url=self.services.paths.db_url,
            ),
        )

    def _open_path(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.runner.cancel_all()
        super().closeEvent(event)
