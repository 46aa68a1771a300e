"""Qt table models for the Experiments page, over immutable snapshots loaded in the background
(``data()`` never touches the database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from scholardesk.analysis.experiments_agg import AggregateRow, DuplicateGroup, Leaderboard
from scholardesk.core.i18n import tr, trn
from scholardesk.domain.experiments import RunRecord

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()
DUPLICATE_BRUSH = QBrush(QColor("#fff3cd"))
BEST_BRUSH = QBrush(QColor("#e3f2e1"))


@dataclass(frozen=True)
class ExperimentSnapshot:
    """Everything the page shows for one experiment, read in one background task."""

    experiment: str
    runs: tuple[RunRecord, ...]
    aggregates: tuple[AggregateRow, ...]
    result_metrics: tuple[str, ...]
    series_metrics: tuple[str, ...]
    duplicates: tuple[DuplicateGroup, ...]
    params: tuple[str, ...] = ()
    duplicate_ids: frozenset[int] = field(default_factory=frozenset)


def source_text(source: str) -> str:
    return {
        "own": tr("own run"),
        "paper": tr("paper"),
        "leaderboard": tr("leaderboard"),
        "demo": tr("model demo"),
    }.get(source, source)


def format_value(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4g}" if abs(value) < 1e5 else f"{value:.3e}"


class RunsModel(QAbstractTableModel):
    """One row per run: attributes, then one column per result metric."""

    FIXED = ("model", "dataset", "split", "protocol", "seed", "source", "hardware", "framework")

    def __init__(self) -> None:
        super().__init__()
        self.runs: tuple[RunRecord, ...] = ()
        self.metrics: tuple[str, ...] = ()
        self.duplicate_ids: frozenset[int] = frozenset()

    def set_snapshot(self, snap: ExperimentSnapshot | None) -> None:
        self.beginResetModel()
        self.runs = snap.runs if snap else ()
        self.metrics = snap.result_metrics if snap else ()
        self.duplicate_ids = snap.duplicate_ids if snap else frozenset()
        self.endResetModel()

    def headers(self) -> list[str]:
        return [
            tr("Model"), tr("Dataset"), tr("Split"), tr("Protocol"), tr("Seed"), tr("Source"),
            tr("Hardware"), tr("Framework"), *self.metrics,
        ]

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.runs)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.FIXED) + len(self.metrics)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        run = self.runs[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole):
            if col < len(self.FIXED):
                name = self.FIXED[col]
                if name == "seed":
                    return "" if run.seed is None else (run.seed if role == Qt.ItemDataRole.UserRole else str(run.seed))
                if name == "source":
                    return source_text(run.source)
                return getattr(run, name)
            value = run.value(self.metrics[col - len(self.FIXED)])
            return value if role == Qt.ItemDataRole.UserRole else format_value(value)
        if role == Qt.ItemDataRole.BackgroundRole and run.id in self.duplicate_ids:
            return DUPLICATE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"#{run.id} {run.name}"]
            if run.reference:
                lines.append(tr("Reference: {ref}", ref=run.reference))
            if run.params:
                lines.append(", ".join(f"{k}={v}" for k, v in list(run.params.items())[:12]))
            if run.id in self.duplicate_ids:
                lines.append(tr("Entered more than once: counted once in the tables."))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= len(self.FIXED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def run_at(self, row: int) -> RunRecord:
        return self.runs[row]


class LeaderboardModel(QAbstractTableModel):
    """Models × datasets for one metric: ``mean ± std (n)``, the best per column in bold."""

    def __init__(self) -> None:
        super().__init__()
        self.board: Leaderboard | None = None
        self.show_change = False

    def set_board(self, board: Leaderboard | None, show_change: bool = False) -> None:
        self.beginResetModel()
        self.board = board
        self.show_change = show_change
        self.endResetModel()

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() or self.board is None else len(self.board.models)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() or self.board is None else len(self.board.datasets)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or self.board is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.board.datasets[section] or tr("(no dataset)")
        return self.board.models[section]

    def cell(self, index: Index) -> AggregateRow | None:
        if self.board is None:
            return None
        return self.board.cell(self.board.models[index.row()], self.board.datasets[index.column()])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.cell(index)
        if row is None:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            text = format_value(row.mean)
            if row.std is not None:
                text += f" ± {format_value(row.std)}"
            text += f"  (n={row.n})"
            if self.show_change and row.relative_change is not None:
                text += f"  {row.relative_change:+.1f}%"
            if row.duplicates:
                text += "  ⚠"
            return text
        if role == Qt.ItemDataRole.FontRole and row.best:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.duplicates:
                return DUPLICATE_BRUSH
            if row.best:
                return BEST_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [tr("Sources: {sources}", sources=", ".join(source_text(s) for s in row.sources))]
            if row.duplicates:
                parts.append(trn("{n} duplicate run was left out of the mean.", "{n} duplicate runs were left out of the mean.", row.duplicates))
            return "\n".join(parts)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def metric_choices(snap: ExperimentSnapshot | None) -> Sequence[str]:
    return snap.result_metrics if snap else ()
