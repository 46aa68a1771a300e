"""Small dialogs of the Venues page: add/edit one metric value; the rank-lists import report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr, trn
from scholardesk.domain.venues import METRICS
from scholardesk.services.venues import ListsImportReport


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


def lists_report_summary(report: ListsImportReport) -> str:
    """"22 files: 3 imported, 18 unchanged, 1 failed · 5,210 venues added" (for the status)."""
    files = report.files
    failed = len(report.failed)
    unchanged = sum(1 for f in files if f.unchanged and not f.error)
    imported = len(files) - failed - unchanged
    text = trn("{n} file", "{n} files", len(files)) + ": " + tr(
        "{imported} imported, {unchanged} unchanged, {failed} failed",
        imported=imported, unchanged=unchanged, failed=failed)
    added = sum(f.added for f in files)
    text += " · " + trn("{n} venue added", "{n} venues added", added)
    if report.cancelled:
        text += " · " + tr("cancelled")
    return text


class ListsReportDialog(QDialog):
    """Per file: the list and year, rows read, venues matched and added, values refused (with
    their line and reason below), unchanged or the reason it failed."""

    COLUMNS = ("file", "list", "year", "rows", "matched", "added", "refused", "status")

    def __init__(self, report: ListsImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lists-report")
        self.setWindowTitle(tr("Rank lists imported"))
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel(lists_report_summary(report))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(report.files), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([
            tr("File"), tr("List"), tr("Year"), tr("Rows read"), tr("Matched"), tr("Added"),
            tr("Refused"), tr("Status")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        for row, f in enumerate(report.files):
            if f.error:
                status = tr("failed: {reason}", reason=f.error)
            elif f.unchanged:
                status = tr("unchanged (imported before)")
            else:
                status = tr("imported")
            values = [Path(f.path).name, f.list_kind, str(f.year or ""), f"{f.rows_read:,}",
                      f"{f.matched:,}", f"{f.added:,}", f"{f.refused_count or len(f.refused):,}",
                      status]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f.path if col == 0 else value)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(tr("Refused values (the rest of each row was kept):")))
        self.refused = QPlainTextEdit()
        self.refused.setReadOnly(True)
        lines = [
            f"{Path(f.path).name} [{e.record}]: {e.message}"
            for f in report.files for e in f.refused[:500]
        ]
        self.refused.setPlainText("\n".join(lines) or tr("None."))
        layout.addWidget(self.refused, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
