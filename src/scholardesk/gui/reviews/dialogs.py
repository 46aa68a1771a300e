"""Dialogs of the Review times page: collect from the network, and enter one article by hand."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from scholardesk.core.i18n import tr


@dataclass(frozen=True)
class CollectRequest:
    journal: str
    source: str
    date_from: str
    date_to: str
    max_articles: int | None


class CollectDialog(QDialog):
    def __init__(self, journal: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Collect review dates"))
        form = QFormLayout(self)
        self.journal = QLineEdit(journal)
        self.journal.setPlaceholderText(tr("ISSN (e.g. 2041-210X) or journal name"))
        self.source = QComboBox()
        self.source.addItem(tr("Crossref (history dates deposited by the publisher)"), "crossref")
        self.source.addItem(tr("PubMed (received / revised / accepted)"), "pubmed")
        self.source.addItem(tr("Publisher pages (1 request per second, robots.txt)"), "pages")
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText("2022-01-01")
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText("2024-12-31")
        self.max = QSpinBox()
        self.max.setRange(0, 100000)
        self.max.setValue(200)
        self.max.setSpecialValueText(tr("no limit"))
        form.addRow(tr("Journal"), self.journal)
        form.addRow(tr("Source"), self.source)
        form.addRow(tr("Published from"), self.date_from)
        form.addRow(tr("Published to"), self.date_to)
        form.addRow(tr("At most"), self.max)
        note = QLabel(tr("An interrupted collection continues where it stopped when started "
                         "again with the same journal, source and dates."))
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def request(self) -> CollectRequest:
        return CollectRequest(
            journal=self.journal.text().strip(),
            source=str(self.source.currentData()),
            date_from=self.date_from.text().strip(),
            date_to=self.date_to.text().strip(),
            max_articles=self.max.value() or None,
        )


class ManualEntryDialog(QDialog):
    FIELDS = ("journal", "doi", "title", "article_type", "received", "revised", "accepted",
              "online")

    def __init__(self, journal: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add an article's dates"))
        form = QFormLayout(self)
        labels = {
            "journal": tr("Journal (name or ISSN)"),
            "doi": tr("DOI"),
            "title": tr("Title"),
            "article_type": tr("Article type"),
            "received": tr("Received"),
            "revised": tr("Revised"),
            "accepted": tr("Accepted"),
            "online": tr("Online"),
        }
        self.edits: dict[str, QLineEdit] = {}
        for name in self.FIELDS:
            edit = QLineEdit(journal if name == "journal" else "")
            if name in ("received", "revised", "accepted", "online"):
                edit.setPlaceholderText(tr("2022-06-05, 5 June 2022 or 2022年6月5日"))
            self.edits[name] = edit
            form.addRow(labels[name], edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def fields(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.edits.items()}
