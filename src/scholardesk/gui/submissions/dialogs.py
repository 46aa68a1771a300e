"""Dialogs of the Submissions page: paste a history, add a submission or an event, stuck
limits, and the status-inquiry e-mail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import current_language, tr
from scholardesk.domain.dates import parse_date
from scholardesk.domain.history_text import ParsedHistory, parse_history
from scholardesk.domain.submissions import (
    DEFAULT_STUCK_DAYS,
    ROLES,
    SYSTEMS,
    EmailDraft,
    Stage,
    Submission,
    normalise_status,
)
from scholardesk.gui.submissions.stages import stage_label

ERROR_COLOUR = QColor("#c62828")
WARNING_COLOUR = QColor("#8a6d00")


@dataclass(frozen=True)
class PasteRequest:
    text: str
    venue: str
    title: str
    strict: bool


class PasteHistoryDialog(QDialog):
    """Paste a status history; see what was read and which lines were not, before importing."""

    def __init__(
        self,
        parent: QWidget | None = None,
        venue: str = "",
        title: str = "",
        selected: Submission | None = None,
    ) -> None:
        """Starts empty; ``selected`` (the submission selected on the page) is offered as an
        explicit choice, "Add to the selected submission", never filled in unasked."""
        super().__init__(parent)
        self.setWindowTitle(tr("Paste a status history"))
        self.resize(820, 620)
        self.parsed: ParsedHistory = parse_history("")
        self.request: PasteRequest | None = None
        self.selected = selected

        self.venue = QLineEdit(venue)
        self.venue.setPlaceholderText(tr("Journal or conference (or 'Venue: NAME' lines in the text)"))
        self.title_edit = QLineEdit(title)
        self.title_edit.setPlaceholderText(tr("Manuscript title"))
        self.add_to_selected = QCheckBox()
        self.add_to_selected.setVisible(selected is not None)
        if selected is not None:
            self.add_to_selected.setText(tr(
                "Add to the selected submission: {venue} — {title}",
                venue=selected.venue, title=selected.title or tr("(untitled)")))
        self.add_to_selected.toggled.connect(self._use_selected)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            tr("One event per line, or separated by '/', e.g.")
            + "\n2022.06.05 submitted to journal / 2022.06.07 with editor\n2022年8月14日 大修"
        )
        self.strict = QCheckBox(tr("Import nothing if any line cannot be read"))
        self.summary = QLabel()
        self.preview = QTableWidget(0, 4)
        self.preview.setHorizontalHeaderLabels([tr("Line"), tr("Date"), tr("Status"), tr("Stage")])
        self.preview.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QListWidget()
        self.problems.setMaximumHeight(130)

        form = QFormLayout()
        if selected is not None:
            form.addRow("", self.add_to_selected)
        form.addRow(tr("Venue"), self.venue)
        form.addRow(tr("Title"), self.title_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 2)
        layout.addWidget(QLabel(tr("Lines that need a look:")))
        layout.addWidget(self.problems)
        layout.addWidget(self.strict)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Import"))
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.update_preview)
        self.text.textChanged.connect(self._timer.start)
        self.update_preview()

    def _use_selected(self, on: bool) -> None:
        sub = self.selected
        self.venue.setText(sub.venue if on and sub is not None else "")
        self.title_edit.setText(sub.title if on and sub is not None else "")
        self.venue.setReadOnly(on)
        self.title_edit.setReadOnly(on)

    def update_preview(self) -> None:
        # parsing a pasted note is pure and takes microseconds: fine on the GUI thread
        self.parsed = parse_history(self.text.toPlainText())
        events = self.parsed.events
        self.preview.setRowCount(len(events))
        for row, e in enumerate(events):
            cells = [str(e.line), e.date.iso_datetime(), e.raw, stage_label(e.stage)]
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if e.stage is Stage.OTHER:
                    item.setForeground(WARNING_COLOUR)
                self.preview.setItem(row, col, item)
        self.preview.resizeColumnsToContents()
        self.problems.clear()
        for p in self.parsed.errors:
            item = QListWidgetItem(
                tr("Line {line}: {message}: {content}", line=p.line, message=p.message, content=p.text)
            )
            item.setForeground(ERROR_COLOUR)
            self.problems.addItem(item)
        for p in self.parsed.warnings:
            item = QListWidgetItem(
                tr("Line {line}: {message}: {content}", line=p.line, message=p.message, content=p.text)
            )
            item.setForeground(WARNING_COLOUR)
            self.problems.addItem(item)
        self.summary.setText(
            tr(
                "{events} event(s) read, {errors} line(s) unreadable, {warnings} warning(s).",
                events=len(events),
                errors=len(self.parsed.errors),
                warnings=len(self.parsed.warnings),
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(events))

    def ask_import_partial(self) -> bool | None:
        """True: import the readable lines; False: import nothing; None: go back and edit."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("Some lines could not be read"))
        box.setText(
            tr(
                "{n} line(s) could not be read (listed in the dialog). Import the readable lines?",
                n=len(self.parsed.errors),
            )
        )
        partial = box.addButton(tr("Import the readable lines"), QMessageBox.ButtonRole.AcceptRole)
        nothing = box.addButton(tr("Import nothing"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(tr("Go back"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is partial:
            return True
        if box.clickedButton() is nothing:
            return False
        return None

    def _on_ok(self) -> None:
        self.update_preview()
        venue = self.venue.text().strip()
        if not venue and not self.parsed.venues:
            QMessageBox.warning(self, tr("Venue"), tr("Which journal or conference is this from?"))
            return
        strict = self.strict.isChecked()
        if self.parsed.errors and not strict:
            answer = self.ask_import_partial()
            if answer is None:
                return
            strict = not answer
        self.request = PasteRequest(
            self.text.toPlainText(), venue, self.title_edit.text().strip(), strict
        )
        self.accept()


class AddSubmissionDialog(QDialog):
    def __init__(self, existing: Sequence[Submission], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add a submission"))
        self.venue = QLineEdit()
        self.title_edit = QLineEdit()
        self.manuscript_id = QLineEdit()
        self.system = QComboBox()
        self.system.setEditable(True)
        self.system.addItems(["", *SYSTEMS])
        self.role = QComboBox()
        self.role.setEditable(True)
        self.role.addItems(["", *ROLES])
        self.previous = QComboBox()
        self.previous.addItem(tr("(first venue of this manuscript)"), None)
        for s in existing:
            self.previous.addItem(f"{s.id}: {s.venue} — {s.title}", s.id)
        form = QFormLayout(self)
        form.addRow(tr("Venue"), self.venue)
        form.addRow(tr("Title"), self.title_edit)
        form.addRow(tr("Manuscript ID"), self.manuscript_id)
        form.addRow(tr("Submission system"), self.system)
        form.addRow(tr("Role"), self.role)
        form.addRow(tr("Comes after"), self.previous)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_ok(self) -> None:
        if not self.venue.text().strip():
            QMessageBox.warning(self, tr("Venue"), tr("Which journal or conference is this from?"))
            return
        self.accept()

    def values(self) -> dict[str, object]:
        return {
            "title": self.title_edit.text().strip(),
            "venue": self.venue.text().strip(),
            "manuscript_id": self.manuscript_id.text().strip(),
            "system": self.system.currentText().strip(),
            "role": self.role.currentText().strip(),
            "previous_id": self.previous.currentData(),
        }


class AddEventDialog(QDialog):
    def __init__(self, submission: Submission, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add a status change"))
        self.date = QLineEdit()
        self.date.setPlaceholderText("2024-05-20 / 2024.5.20 / 2024年5月20日")
        self.status = QLineEdit()
        self.status.setPlaceholderText(tr("Exactly as the submission system shows it"))
        self.stage = QComboBox()
        self.stage.addItem(tr("(recognise from the words)"), None)
        for s in Stage:
            self.stage.addItem(stage_label(s), s)
        self.feedback = QLabel()
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{submission.venue}</b> — {submission.title}"))
        form.addRow(tr("Date"), self.date)
        form.addRow(tr("Status"), self.status)
        form.addRow(tr("Stage"), self.stage)
        form.addRow(self.feedback)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.date.textChanged.connect(self._update)
        self.status.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        parsed = parse_date(self.date.text())
        ok = parsed is not None and parsed.precision != "year" and bool(self.status.text().strip())
        parts = []
        if self.date.text().strip():
            parts.append(parsed.iso_datetime() if parsed else tr("date not readable"))
        if self.status.text().strip():
            parts.append(stage_label(normalise_status(self.status.text())))
        self.feedback.setText(" → ".join(parts))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> tuple[str, str, Stage | None]:
        return self.date.text(), self.status.text(), self.stage.currentData()


class ThresholdsDialog(QDialog):
    """Days a manuscript may sit in a stage before it is flagged as stuck (0 = never)."""

    WATCHED = (
        Stage.WITH_EDITOR,
        Stage.UNDER_REVIEW,
        Stage.REVIEWS_COMPLETED,
        Stage.DECISION_IN_PROCESS,
        Stage.REVISION_SUBMITTED,
    )

    def __init__(self, current: dict[Stage, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Stuck limits"))
        form = QFormLayout(self)
        form.addRow(QLabel(tr("Flag a manuscript that sits in a stage longer than (days, 0 = never):")))
        self.spins: dict[Stage, QSpinBox] = {}
        for stage in self.WATCHED:
            spin = QSpinBox()
            spin.setRange(0, 3650)
            spin.setValue(current.get(stage, 0))
            self.spins[stage] = spin
            form.addRow(stage_label(stage), spin)
        reset = QPushButton(tr("Defaults"))
        reset.clicked.connect(self._defaults)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(reset)
        row.addStretch(1)
        row.addWidget(buttons)
        form.addRow(row)

    def _defaults(self) -> None:
        for stage, spin in self.spins.items():
            spin.setValue(DEFAULT_STUCK_DAYS.get(stage, 0))

    def values(self) -> dict[Stage, int]:
        return {s: spin.value() for s, spin in self.spins.items() if spin.value() > 0}


class EmailDialog(QDialog):
    """The status-inquiry draft in English and Chinese, ready to copy."""

    def __init__(self, drafts: dict[str, EmailDraft], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Status inquiry e-mail"))
        self.resize(640, 480)
        self.drafts = drafts
        self.language = QComboBox()
        self.language.addItem(tr("English"), "en")
        self.language.addItem(tr("Chinese"), "zh")
        if current_language().startswith("zh") and "zh" in drafts:
            self.language.setCurrentIndex(1)
        self.subject = QLineEdit()
        self.subject.setReadOnly(True)
        self.body = QPlainTextEdit()
        copy = QPushButton(tr("Copy to clipboard"))
        copy.clicked.connect(self.copy)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Language")))
        top.addWidget(self.language)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.subject)
        layout.addWidget(self.body, 1)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.language.currentIndexChanged.connect(self._show)
        self._show()

    def _show(self) -> None:
        draft = self.drafts[self.language.currentData()]
        self.subject.setText(draft.subject)
        self.body.setPlainText(draft.body)

    def copy(self) -> None:
        text = f"{self.subject.text()}\n\n{self.body.toPlainText()}"
        QGuiApplication.clipboard().setText(text)


__all__ = [
    "AddEventDialog",
    "AddSubmissionDialog",
    "EmailDialog",
    "PasteHistoryDialog",
    "PasteRequest",
    "ThresholdsDialog",
]
