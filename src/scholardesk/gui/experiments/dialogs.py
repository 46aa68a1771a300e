"""Dialogs of the Experiments page: paste a results table, import options."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr


class PasteTableDialog(QDialog):
    """A results table copied from a paper or a leaderboard page."""

    def __init__(self, experiment: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Paste a results table"))
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            tr("Model<TAB>Accuracy<TAB>F1 … one row per model (tabs, | or & between cells)")
        )
        layout.addWidget(self.text)
        form = QFormLayout()
        self.experiment = QLineEdit(experiment)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(tr("DOI, arXiv id or URL, and the table number"))
        self.dataset = QLineEdit()
        self.source = QComboBox()
        for value, label in (("paper", tr("paper")), ("leaderboard", tr("leaderboard")), ("own", tr("own run"))):
            self.source.addItem(label, value)
        form.addRow(tr("Experiment"), self.experiment)
        form.addRow(tr("Reference"), self.reference)
        form.addRow(tr("Dataset"), self.dataset)
        form.addRow(tr("Source"), self.source)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def values(self) -> dict[str, str]:
        return {
            "text": self.text.toPlainText(),
            "experiment": self.experiment.text().strip() or tr("Pasted results"),
            "reference": self.reference.text().strip(),
            "dataset": self.dataset.text().strip(),
            "source": str(self.source.currentData()),
        }


class LogTemplateDialog(QDialog):
    """Ask for the line template of training logs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Training log template"))
        form = QFormLayout(self)
        self.template = QLineEdit("[ Valid | {epoch}/{total} ] loss = {loss}, acc = {acc}")
        self.template.setMinimumWidth(460)
        self.experiment = QLineEdit()
        form.addRow(tr("Line template"), self.template)
        form.addRow(tr("Experiment"), self.experiment)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
