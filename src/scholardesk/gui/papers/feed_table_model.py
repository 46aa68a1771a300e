"""The rows of the New view: an immutable snapshot of ``FeedRow``s (ranked in the background);
``data()`` never touches the database. Rows not looked at yet are bold."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from scholardesk.core.i18n import tr
from scholardesk.services.papers_feed import FeedRow

Index = QModelIndex | QPersistentModelIndex


def _authors(row: FeedRow) -> str:
    if len(row.authors) > 3:
        return ", ".join(row.authors[:3]) + " " + tr("et al.")
    return ", ".join(row.authors)


COLUMNS: list[tuple[str, Callable[[], str], Callable[[FeedRow], str]]] = [
    ("score", lambda: tr("Score"), lambda r: f"{r.score:.2f}"),
    ("title", lambda: tr("Title"), lambda r: r.title),
    ("why", lambda: tr("Why"), lambda r: "; ".join(r.reasons)),
    ("authors", lambda: tr("Authors"), _authors),
    ("categories", lambda: tr("Categories"), lambda r: " ".join(r.categories)),
    ("venue", lambda: tr("Venue"), lambda r: r.venue),
    ("arrived", lambda: tr("Arrived"),
     lambda r: r.batch_at.strftime("%Y-%m-%d") if r.batch_at else ""),
]
COLUMN_KEYS = [c[0] for c in COLUMNS]


class FeedTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[FeedRow] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[FeedRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> FeedRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, work_key: str) -> int:
        for i, r in enumerate(self.rows):
            if r.work_key == work_key:
                return i
        return -1

    def remove(self, work_key: str) -> int:
        """Drop one work's row (after feedback); returns where it was, -1 if absent."""
        i = self.row_of(work_key)
        if i >= 0:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self.rows[i]
            self.endRemoveRows()
        return i

    def mark_seen(self, work_key: str) -> None:
        from dataclasses import replace

        i = self.row_of(work_key)
        if i >= 0 and not self.rows[i].seen:
            self.rows[i] = replace(self.rows[i], seen=True)
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None or not index.isValid():
            return None
        key, _title, text = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "title":
                return row.abstract[:600] or row.title
            if key == "authors":
                return ", ".join(row.authors)
            return text(row) or None
        if role == Qt.ItemDataRole.FontRole and not row.seen:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "score":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
