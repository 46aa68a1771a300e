"""Small dialogs of the Venues page: add/edit one metric value."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from scholardesk.core.i18n import tr
from scholardesk.domain.venues import METRICS


class MetricDialog(QDialog):
    """One value of one metric, for one year, from one source."""

    def __init__(self, venue_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add a metric value — {venue}", venue=venue_label))
        form = QFormLayout(self)
        self.metric = QComboBox()
        for key, label in METRICS.items():
            self.metric.addItem(tr(label), key)
        self.year = QSpinBox()
        self.year.setRange(1950, 2100)
        self.year.setValue(date.today().year - 1)
        self.source = QLineEdit()
        self.source.setPlaceholderText(tr("e.g. JCR 2025, CAS 2025, journal website"))
        self.value = QLineEdit()
        self.value.setPlaceholderText(tr("e.g. 6.3, Q1, 2区, yes, 26%"))
        self.note = QLineEdit()
        form.addRow(tr("Metric"), self.metric)
        form.addRow(tr("Year"), self.year)
        form.addRow(tr("Source"), self.source)
        form.addRow(tr("Value"), self.value)
        form.addRow(tr("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _accept(self) -> None:
        if not self.source.text().strip() or not self.value.text().strip():
            self.source.setFocus()
            self.setToolTip(tr("Every value needs a source and a value."))
            return
        self.accept()

    def values(self) -> tuple[str, int, str, str, str]:
        return (str(self.metric.currentData()), self.year.value(), self.source.text().strip(),
                self.value.text().strip(), self.note.text().strip())
