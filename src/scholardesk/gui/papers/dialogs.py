"""Dialogs of the Papers page: add by id or BibTeX, import results (one line per bad record),
and the arXiv subscriptions."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr
from scholardesk.domain.importing import ImportReport
from scholardesk.domain.papers import Subscription


class AddPapersDialog(QDialog):
    """Paste arXiv ids/URLs, DOIs or BibTeX."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add papers"))
        self.resize(560, 360)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr(
            "Paste arXiv ids or URLs (2401.16650, arXiv:2401.16650v2, hep-th/9901001), "
            "DOIs or doi.org links, or BibTeX entries. arXiv and Crossref are asked over "
            "the network."
        )))
        layout.itemAt(0).widget().setWordWrap(True)  # type: ignore[union-attr]
        self.text = QPlainTextEdit()
        self.text.setObjectName("add-papers-text")
        self.text.setPlaceholderText("2401.16650\nhttps://doi.org/10.1038/srep16696\n@article{...}")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Add"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self) -> str:
        return self.text.toPlainText().strip()


class ImportResultDialog(QDialog):
    """Counts, and one row per record that could not be imported (file/line or id, why)."""

    def __init__(self, report: ImportReport, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 380 if report.errors else 160)
        layout = QVBoxLayout(self)
        summary = QLabel(tr(
            "{imported} new papers, {updated} merged into existing papers, {skipped} already "
            "in the library, {errors} with errors.",
            imported=report.imported, updated=report.updated, skipped=report.skipped,
            errors=len(report.errors),
        ))
        summary.setObjectName("import-summary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.errors = QTableWidget(len(report.errors), 3)
        self.errors.setObjectName("import-errors")
        self.errors.setHorizontalHeaderLabels([tr("Source"), tr("Record"), tr("Problem")])
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for i, e in enumerate(report.errors):
            for j, text in enumerate((e.source, e.record, e.message)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.errors.setItem(i, j, item)
        self.errors.setVisible(bool(report.errors))
        layout.addWidget(self.errors, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class SubscriptionsDialog(QDialog):
    """Followed arXiv categories and saved queries. Edits go through the callbacks (which run
    service calls in tasks) and ``set_subscriptions`` refreshes the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("arXiv subscriptions"))
        self.resize(520, 360)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItem(tr("Category"), "category")
        self.kind.addItem(tr("Query"), "query")
        self.query = QLineEdit()
        self.query.setPlaceholderText(tr('cs.CL, eess.AS … or all:"speech enhancement"'))
        self.add_button = QPushButton(tr("Subscribe"))
        self.remove_button = QPushButton(tr("Unsubscribe"))
        row.addWidget(self.kind)
        row.addWidget(self.query, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        hint = QLabel(tr("“Fetch new” brings the papers that appeared since the last check, "
                         "marked unread."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_subscriptions(self, subs: list[Subscription]) -> None:
        self.list.clear()
        for s in subs:
            when = (s.last_checked_at.strftime("%Y-%m-%d %H:%M") if s.last_checked_at
                    else tr("never"))
            kind = tr("Category") if s.kind == "category" else tr("Query")
            item = QListWidgetItem(f"{kind}: {s.query}   ({tr('last checked')}: {when})")
            item.setData(256, (s.kind, s.query))
            self.list.addItem(item)

    def selected(self) -> tuple[str, str] | None:
        item = self.list.currentItem()
        return item.data(256) if item is not None else None

    def entered(self) -> tuple[str, str]:
        return str(self.kind.currentData()), self.query.text().strip()
