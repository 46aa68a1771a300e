"""Qt table model over immutable ``ModelArtifact`` snapshots (loaded by a Task)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from scholardesk.core.i18n import tr
from scholardesk.domain.models import ModelArtifact


def task_title(task: str) -> str:
    return {
        "image-classification": tr("Image classification"),
        "text-classification": tr("Text classification"),
        "vad": tr("Voice activity"),
        "asr": tr("Speech recognition (CTC)"),
        "generic": tr("Generic"),
    }.get(task, task)


def human_count(n: int) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


class ModelsTableModel(QAbstractTableModel):
    COLUMNS = ("name", "task", "parameters", "size")

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[ModelArtifact, ...] = ()

    def set_rows(self, rows: Sequence[ModelArtifact]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("Name"), tr("Task"), tr("Parameters"), tr("Size"))[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "name":
                return m.name
            if column == "task":
                return task_title(m.task)
            if column == "parameters":
                return human_count(m.parameters)
            return f"{m.size_bytes / 1e6:.2f} MB"
        if role == Qt.ItemDataRole.ToolTipRole:
            return m.path
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("parameters", "size"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return m.id
        return None

    def model_at(self, row: int) -> ModelArtifact | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, model_id: int) -> int:
        for i, m in enumerate(self.rows):
            if m.id == model_id:
                return i
        return -1


class ModelsProxyModel(QSortFilterProxyModel):
    """Sorts and filters the table; the user's own models always list before the demos."""

    def lessThan(
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        source = self.sourceModel()
        a = source.model_at(left.row()) if isinstance(source, ModelsTableModel) else None
        b = source.model_at(right.row()) if isinstance(source, ModelsTableModel) else None
        if a is not None and b is not None and a.is_sample != b.is_sample:
            # Whatever the sort order, a demo sorts after the user's models.
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return a.is_sample if descending else b.is_sample
        if a is not None and b is not None and left.column() == right.column():
            column = ModelsTableModel.COLUMNS[left.column()]
            if column == "parameters":
                return a.parameters < b.parameters
            if column == "size":
                return a.size_bytes < b.size_bytes
        return super().lessThan(left, right)
