"""The Submissions page: the user's manuscripts with their current stage and days in stage
(stuck ones highlighted), one manuscript's timeline chart and events, its journey across
venues, the paste-a-history dialog, stuck limits and the status-inquiry e-mail."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr, trn
from scholardesk.domain.submissions import Stage, SubmissionSummary
from scholardesk.gui.page_base import Page
from scholardesk.gui.submissions.chart import TimelineChart
from scholardesk.gui.submissions.dialogs import (
    AddEventDialog,
    AddSubmissionDialog,
    EmailDialog,
    PasteHistoryDialog,
    PasteRequest,
    ThresholdsDialog,
)
from scholardesk.gui.submissions.stages import STUCK_BACKGROUND, WARNING_BACKGROUND, stage_label
from scholardesk.gui.submissions.table_model import DAYS_COLUMN, SORT_ROLE, SubmissionsTableModel
from scholardesk.gui.tasks import Task
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)


class SubmissionsPage(Page):
    area = "submissions"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.svc = services.submissions
        self.rows: list[SubmissionSummary] = []
        self._selected_id: int | None = None
        self.loaded_count = 0  # how many loads finished (tests wait on it)

        self.model = SubmissionsTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("Filter by venue, title, stage…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)

        self.add_button = QPushButton(tr("Add submission…"))
        self.event_button = QPushButton(tr("Add status change…"))
        self.paste_button = QPushButton(tr("Paste history…"))
        self.limits_button = QPushButton(tr("Stuck limits…"))
        self.email_button = QPushButton(tr("Inquiry e-mail…"))
        self.delete_button = QPushButton(tr("Delete"))
        self.add_button.clicked.connect(self.add_submission)
        self.event_button.clicked.connect(self.add_event)
        self.paste_button.clicked.connect(lambda: self.paste_history())
        self.limits_button.clicked.connect(self.edit_limits)
        self.email_button.clicked.connect(self.show_email)
        self.delete_button.clicked.connect(self.delete_selected)

        self.stuck_label = QLabel()
        self.stuck_label.setStyleSheet(
            f"background:{STUCK_BACKGROUND.name()}; padding:3px 8px; border-radius:3px;"
        )
        self.stuck_label.setVisible(False)
        self.notice = QLabel()  # outcome of the last action (non-modal)
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        bar = QHBoxLayout()
        for b in (self.add_button, self.event_button, self.paste_button):
            bar.addWidget(b)
        bar.addWidget(self.filter, 1)
        for b in (self.limits_button, self.email_button, self.delete_button):
            bar.addWidget(b)

        # details of the selected manuscript
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.journey = QLabel()
        self.journey.setWordWrap(True)
        self.stats = QLabel()
        self.stats.setWordWrap(True)
        self.chart = TimelineChart()
        self.events = QTableWidget(0, 3)
        self.events.setHorizontalHeaderLabels([tr("Date"), tr("Status as shown"), tr("Stage")])
        self.events.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.events.verticalHeader().setVisible(False)
        self.events.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        details = QWidget()
        dl = QVBoxLayout(details)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.heading)
        dl.addWidget(self.journey)
        dl.addWidget(self.stats)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.chart)
        lower.addWidget(self.events)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        lower.setSizes([560, 520])
        self.events.setWordWrap(False)
        dl.addWidget(lower, 1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(details)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stuck_label)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)
        self._update_buttons()
        self.refresh()

    # --- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        Task(lambda progress: self.svc.summaries(), kind="db").on_success(self._loaded).start()

    def _loaded(self, rows: list[SubmissionSummary]) -> None:
        keep = self._selected_id
        self.rows = rows
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        stuck = [r for r in rows if r.stuck is not None]
        self.stuck_label.setVisible(bool(stuck))
        if stuck:
            self.stuck_label.setText(
                tr(
                    "{n} manuscript(s) waiting longer than your limits: {names}",
                    n=len(stuck),
                    names="; ".join(
                        f"{r.submission.venue} ({stage_label(r.stuck.stage)}, "
                        + tr("{days} d", days=r.stuck.days)
                        + ")"
                        for r in stuck
                        if r.stuck is not None
                    ),
                )
            )
        target = keep if keep is not None and self.model.row_of(keep) >= 0 else None
        if target is None and stuck:
            target = stuck[0].submission.id
        if target is None and rows:
            target = rows[0].submission.id
        if target is not None:
            self.select(target)
        else:
            self._show(None)
        self.loaded_count += 1

    def select(self, submission_id: int) -> None:
        row = self.model.row_of(submission_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def current(self) -> SubmissionSummary | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def selected_ids(self) -> list[int]:
        ids = []
        for index in self.table.selectionModel().selectedRows():
            row = self.model.row_at(self.proxy.mapToSource(index).row())
            if row is not None:
                ids.append(row.submission.id)
        return ids

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(self.proxy.mapToSource(current).row()) if current.isValid() else None
        self._show(row)

    def _show(self, row: SubmissionSummary | None) -> None:
        self._selected_id = row.submission.id if row else None
        self._update_buttons()
        if row is None:
            self.heading.setText(
                tr("No submission selected. Paste a status history or add a submission to start.")
            )
            self.journey.clear()
            self.stats.clear()
            self.chart.set_timeline(None)
            self.events.setRowCount(0)
            return
        sub, tl = row.submission, row.timeline
        extra = f" · {sub.manuscript_id}" if sub.manuscript_id else ""
        system = f" · {sub.system}" if sub.system else ""
        self.heading.setText(f"<b>{sub.venue}</b>{extra}{system}<br>{sub.title}")
        chain = [r for r in self.rows if r.chain_root == row.chain_root]
        if len(chain) > 1:
            steps = []
            for r in chain:
                outcome = stage_label(r.timeline.outcome) if r.timeline.outcome else tr("open")
                name = f"{r.submission.venue} ({outcome})"
                steps.append(f"[{name}]" if r is row else name)
            self.journey.setText(tr("Journey: {steps}", steps=" → ".join(steps)))
        else:
            self.journey.clear()
        parts = [
            tr("Outcome: {outcome}", outcome=stage_label(tl.outcome) if tl.outcome else tr("open")),
            tr("total {days} days", days=tl.total_days if tl.total_days is not None else "–"),
            trn("{n} review round", "{n} review rounds", tl.rounds),
        ]
        if tl.days_to_first_decision is not None:
            parts.append(tr("first decision after {days} days", days=tl.days_to_first_decision))
        if tl.days_to_acceptance is not None:
            parts.append(tr("accepted after {days} days", days=tl.days_to_acceptance))
        if tl.revision_turnarounds:
            parts.append(
                tr(
                    "revisions took {days} days",
                    days=", ".join(str(d) for d in tl.revision_turnarounds),
                )
            )
        if row.stuck is not None:
            parts.append(
                tr(
                    "stuck: {days} days {stage} (limit {limit})",
                    days=row.stuck.days,
                    stage=stage_label(row.stuck.stage),
                    limit=row.stuck.threshold,
                )
            )
        if tl.out_of_order:
            parts.append(tr("dates out of order: check the highlighted events"))
        self.stats.setText(" · ".join(parts))
        self.chart.set_timeline(tl)
        self.events.setRowCount(len(tl.events))
        for i, e in enumerate(tl.events):
            date = e.date.isoformat() + (f" {e.time.strftime('%H:%M')}" if e.time else "")
            cells = [date, e.raw, stage_label(e.stage)]
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if i in tl.out_of_order:
                    item.setBackground(STUCK_BACKGROUND)
                    item.setToolTip(tr("Dated before the event above it: a typo?"))
                elif e.stage is Stage.OTHER:
                    item.setBackground(WARNING_BACKGROUND)
                    item.setToolTip(tr("Status words not recognised; kept as written."))
                self.events.setItem(i, col, item)
        self.events.resizeColumnToContents(0)
        self.events.resizeColumnToContents(2)

    def _set_notice(self, text: str) -> None:
        QLabel.setText(self.notice, text)
        self.notice.setVisible(bool(text))

    def _update_buttons(self) -> None:
        has = self._selected_id is not None
        self.event_button.setEnabled(has)
        self.email_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # --- actions -------------------------------------------------------------------------

    def paste_dialog(self) -> PasteHistoryDialog:
        """An empty paste dialog that offers the selected submission as an explicit choice."""
        current = self.current()
        return PasteHistoryDialog(self, selected=current.submission if current else None)

    def paste_history(self, dialog: PasteHistoryDialog | None = None) -> None:
        dlg = dialog or self.paste_dialog()
        if dialog is None and dlg.exec() != PasteHistoryDialog.DialogCode.Accepted:
            return
        if dlg.request is not None:
            self.import_pasted(dlg.request)

    def import_pasted(self, request: PasteRequest) -> None:
        def done(result: object) -> None:
            sid = getattr(result, "submission_id", None)
            if getattr(result, "strict_refused", False):
                self._set_notice(tr("Nothing was imported; fix the lines and paste again."))
            else:
                n = len(getattr(result, "events", ()))
                self._set_notice(trn("Imported {n} status change.", "Imported {n} status changes.", n))
            if sid is not None:
                self._selected_id = sid

        Task(
            lambda progress: self.svc.import_text(
                request.text, request.venue, request.title, strict=request.strict
            ),
            kind="db",
        ).with_progress(tr("Importing the history…")).on_success(done).start()

    def add_submission(self) -> None:
        dlg = AddSubmissionDialog([r.submission for r in self.rows], self)
        if dlg.exec() != AddSubmissionDialog.DialogCode.Accepted:
            return
        values = dlg.values()

        def run(progress: object) -> object:
            return self.svc.add(
                str(values["title"]),
                str(values["venue"]),
                manuscript_id=str(values["manuscript_id"]),
                system=str(values["system"]),
                role=str(values["role"]),
                previous_id=values["previous_id"] if isinstance(values["previous_id"], int) else None,
            )

        def done(result: object) -> None:
            sub = getattr(result, "submission", None)
            if sub is not None:
                self._selected_id = sub.id

        Task(run, kind="db").on_success(done).start()

    def add_event(self) -> None:
        row = self.current()
        if row is None:
            return
        dlg = AddEventDialog(row.submission, self)
        if dlg.exec() != AddEventDialog.DialogCode.Accepted:
            return
        date, status, stage = dlg.values()
        sid = row.submission.id

        def done(result: object) -> None:
            warnings = getattr(result, "warnings", ())
            self._set_notice("\n".join(warnings))

        Task(lambda progress: self.svc.add_event(sid, date, status, stage), kind="db").on_success(
            done
        ).start()

    def edit_limits(self) -> None:
        Task(lambda progress: self.svc.thresholds(), kind="db").on_success(self._edit_limits).start()

    def _edit_limits(self, current: dict[Stage, int]) -> None:
        dlg = ThresholdsDialog(current, self)
        if dlg.exec() != ThresholdsDialog.DialogCode.Accepted:
            return
        values = dlg.values()
        Task(lambda progress: self.svc.set_thresholds(values), kind="db").start()

    def show_email(self) -> None:
        row = self.current()
        if row is None:
            return
        sid = row.submission.id
        Task(
            lambda progress: {
                "en": self.svc.inquiry_email(sid, "en"),
                "zh": self.svc.inquiry_email(sid, "zh"),
            },
            kind="db",
        ).on_success(lambda drafts: EmailDialog(drafts, self).exec()).start()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            tr("Delete submissions"),
            trn("Delete {n} submission and its status history?", "Delete {n} submissions and their status histories?", len(ids)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._selected_id = None
        Task(lambda progress: self.svc.delete(ids), kind="db").start()

    # --- File menu -------------------------------------------------------------------------

    def import_actions(self) -> list[QAction]:
        paste = QAction(tr("Submission history (paste)…"), self)
        paste.triggered.connect(lambda: self.paste_history())
        file_action = QAction(tr("Submission timelines (JSON/CSV)…"), self)
        file_action.triggered.connect(self._import_file)
        return [paste, file_action]

    def export_actions(self) -> list[QAction]:
        action = QAction(tr("Submission timelines (JSON/CSV)…"), self)
        action.triggered.connect(self._export_file)
        return [action]

    def _import_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, tr("Import submission timelines"), "", tr("Timelines (*.json *.csv)")
        )
        if not name:
            return

        def done(report: object) -> None:
            errors = getattr(report, "errors", [])
            if errors:
                QMessageBox.warning(
                    self,
                    tr("Some records were not imported"),
                    "\n".join(f"{e.record}: {e.message}" for e in errors[:20]),
                )

        Task(lambda progress: self.svc.import_file(Path(name), progress), kind="db").with_progress(
            tr("Importing timelines…")
        ).on_success(done).start()

    def _export_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Export submission timelines"), "submissions.json", tr("Timelines (*.json *.csv)")
        )
        if not name:
            return
        ids = self.selected_ids() if len(self.selected_ids()) > 1 else None
        Task(lambda progress: self.svc.export_file(Path(name), ids), kind="db").start()


__all__ = ["DAYS_COLUMN", "SubmissionsPage"]
