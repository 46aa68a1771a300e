"""File → Import → Papers from a Zotero library…: choose the data folder (Zotero's default is
filled in), import in the background, show what was added, updated and removed in Zotero."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr
from scholardesk.gui.papers.dialogs import ImportResultDialog
from scholardesk.gui.tasks import Task


def zotero_import_action(page: Any) -> QAction:
    action = QAction(tr("Papers from a Zotero library…"), page)
    action.triggered.connect(lambda: import_from_zotero(page))
    return action


def default_folder() -> str:
    from scholardesk.sources.zotero import default_data_dir

    return str(default_data_dir())


class ZoteroImportDialog(QDialog):
    """Which Zotero data folder (or zotero.sqlite) to read."""

    def __init__(self, start: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Import from Zotero"))
        self.resize(620, 200)
        layout = QVBoxLayout(self)
        about = QLabel(tr(
            "ScholarDesk reads a copy of the Zotero database and never changes it; Zotero may "
            "stay open. Importing again later brings only what changed, and keeps your "
            "status, rating, notes and tags. Collections become tags named "
            "“collection:<path>”; items in Zotero's trash are left out."
        ))
        about.setWordWrap(True)
        layout.addWidget(about)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Zotero data folder")))
        self.path = QLineEdit(start)
        self.path.setObjectName("zotero-path")
        row.addWidget(self.path, 1)
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row.addWidget(browse)
        layout.addLayout(row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Import"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Zotero data folder"), self.path.text())
        if folder:
            self.path.setText(folder)

    def value(self) -> str:
        return self.path.text().strip()


class ZoteroResultDialog(ImportResultDialog):
    """The usual import result, with what only a Zotero import has to say."""

    def __init__(self, report: Any, parent: QWidget | None = None) -> None:
        super().__init__(report, tr("Import from Zotero"), parent)
        lines = [tr(
            "{imported} added, {updated} updated, {unchanged} unchanged, {skipped} merged "
            "without changes, {removed} removed in Zotero (kept here).",
            imported=report.imported, updated=report.updated, unchanged=report.unchanged,
            skipped=report.skipped, removed=len(report.removed_in_zotero),
        ), tr(
            "{files} attachment files ({missing} missing), {annotations} annotations, "
            "{trash} items in the trash left out.",
            files=report.attachments, missing=report.attachments_missing,
            annotations=report.annotations, trash=report.in_trash,
        )]
        deleted = getattr(report, "deleted_here", [])
        if deleted:
            lines.append(tr("{n} skipped (deleted here; they come back when they change in "
                            "Zotero).", n=len(deleted)))
        lines += [tr("removed in Zotero: {key} (paper {id}) {title}", key=r["key"],
                     id=r["paper_id"], title=r["title"]) for r in report.removed_in_zotero[:20]]
        self.zotero = QLabel("\n".join(lines))
        self.zotero.setObjectName("zotero-summary")
        self.zotero.setWordWrap(True)
        generic = self.findChild(QLabel, "import-summary")
        if generic is not None:  # its "merged into existing papers" says less than ours
            generic.hide()
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.zotero)
            if not report.errors:
                layout.setStretch(layout.indexOf(self.errors), 0)
                layout.insertStretch(layout.count() - 1, 1)
        self.resize(max(self.width(), 640), self.height())


def import_from_zotero(page: Any, path: str | None = None) -> None:
    """Ask for the folder (unless given), then import it in a background task."""
    if path is None:
        dialog = ZoteroImportDialog(default_folder(), page)
        if not dialog.exec() or not dialog.value():
            return
        path = dialog.value()
    chosen = Path(path).expanduser()

    def show(report: Any) -> None:
        page.last_report = report
        ZoteroResultDialog(report, page).open()

    Task(lambda p: page.svc.import_zotero(chosen, p)).with_progress(
        tr("Importing from Zotero")
    ).on_success(show).start()
