"""Table model of the Submissions page over immutable row snapshots (never queries)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from scholardesk.core.i18n import tr
from scholardesk.domain.submissions import SubmissionSummary
from scholardesk.gui.submissions.stages import STUCK_BACKGROUND, WARNING_BACKGROUND, stage_label

SORT_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def _days(value: int | None) -> str:
    return "" if value is None else str(value)


# (header, display text, sort key)
_COLUMNS: list[tuple[Callable[[], str], Callable[[SubmissionSummary], str], Callable[[SubmissionSummary], Any]]] = [
    (
        lambda: tr("Venue"),
        lambda r: ("↳ " if r.chain_position > 1 else "") + r.submission.venue,
        lambda r: 0,  # replaced by the row's place in the chain order (see data())
    ),
    (lambda: tr("Title"), lambda r: r.submission.title, lambda r: r.submission.title.casefold()),
    (
        lambda: tr("Current stage"),
        lambda r: stage_label(r.timeline.current_stage),
        lambda r: str(r.timeline.current_stage or ""),
    ),
    (
        lambda: tr("Days in stage"),
        lambda r: _days(r.timeline.days_in_stage),
        lambda r: -1 if r.timeline.days_in_stage is None else r.timeline.days_in_stage,
    ),
    (
        lambda: tr("Outcome"),
        lambda r: stage_label(r.timeline.outcome) if r.timeline.outcome else tr("open"),
        lambda r: str(r.timeline.outcome or ""),
    ),
    (
        lambda: tr("Total days"),
        lambda r: _days(r.timeline.total_days),
        lambda r: -10**6 if r.timeline.total_days is None else r.timeline.total_days,
    ),
    (lambda: tr("Rounds"), lambda r: str(r.timeline.rounds), lambda r: r.timeline.rounds),
    (
        lambda: tr("Submitted"),
        lambda r: r.timeline.submitted.isoformat() if r.timeline.submitted else "",
        lambda r: r.timeline.submitted.isoformat() if r.timeline.submitted else "",
    ),
    (
        lambda: tr("Manuscript ID"),
        lambda r: r.submission.manuscript_id,
        lambda r: r.submission.manuscript_id,
    ),
]

DAYS_COLUMN = 3


class SubmissionsTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[SubmissionSummary] = []

    def set_rows(self, rows: Sequence[SubmissionSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> SubmissionSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, submission_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.submission.id == submission_id:
                return i
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section][0]()
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[col][1](r)
        if role == SORT_ROLE:
            # rows arrive grouped by chain, oldest venue first: that order is the venue sort
            return index.row() if col == 0 else _COLUMNS[col][2](r)
        if role == Qt.ItemDataRole.BackgroundRole:
            if r.stuck is not None:
                return STUCK_BACKGROUND
            if r.warnings and col == 0:
                return WARNING_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = []
            if r.stuck is not None:
                tips.append(
                    tr(
                        "Stuck: {stage} for {days} days (your limit is {limit}).",
                        stage=stage_label(r.stuck.stage),
                        days=r.stuck.days,
                        limit=r.stuck.threshold,
                    )
                )
            if "dates out of order" in r.warnings:
                tips.append(tr("Some dates are earlier than the event above them (typo?)."))
            if "unknown status words" in r.warnings:
                tips.append(tr("Some status words were not recognised (stage Other)."))
            return "\n".join(tips) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
