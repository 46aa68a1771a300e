"""Qt table models of the Review times page, over immutable row snapshots loaded by a Task
(``data()`` never queries the database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from scholardesk.core.i18n import tr
from scholardesk.domain.reviews import FLAG_REASONS, ArticleRow, IntervalStats

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
EXCLUDED_BACKGROUND = QColor("#fde2e1")
FLAGGED_BACKGROUND = QColor("#fff4d6")

Index = QModelIndex | QPersistentModelIndex


def interval_label(name: str) -> str:
    return {
        "received-accepted": tr("Received → accepted"),
        "received-revised": tr("Received → first revision"),
        "accepted-online": tr("Accepted → online"),
        "received-online": tr("Received → online"),
    }.get(name, name)


def reason_label(flag: str) -> str:
    return {
        "accepted_before_received": tr("accepted date is before the received date"),
        "review_over_5_years": tr("review time over 5 years"),
        "revised_before_received": tr("revised date is before the received date"),
        "online_before_accepted": tr("online date is before the accepted date"),
        "online_before_received": tr("online date is before the received date"),
        "production_over_5_years": tr("online more than 5 years after acceptance"),
    }.get(flag, FLAG_REASONS.get(flag, flag))


def source_label(source: str) -> str:
    """The record's source as the table shows it (the user's own ones translated)."""
    return {"my submissions": tr("my submissions"), "manual": tr("manual")}.get(source, source)


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


Column = tuple[Callable[[], str], Callable[[ArticleRow], Any]]

ARTICLE_COLUMNS: list[Column] = [
    (lambda: tr("DOI"), lambda r: r.history.doi or r.history.source_url),
    (lambda: tr("Title"), lambda r: r.history.title),
    (lambda: tr("Journal"), lambda r: r.history.journal),
    (lambda: tr("Type"), lambda r: r.history.article_type),
    (lambda: tr("Received"), lambda r: r.history.received),
    (lambda: tr("Revised"), lambda r: r.history.revised),
    (lambda: tr("Accepted"), lambda r: r.history.accepted),
    (lambda: tr("Online"), lambda r: r.history.online),
    (lambda: tr("Review days"), lambda r: r.history.days("received-accepted")),
    (lambda: tr("Production days"), lambda r: r.history.days("accepted-online")),
    (lambda: tr("Source"), lambda r: source_label(r.history.source)),
    (lambda: tr("Flags"), lambda r: "; ".join(reason_label(f) for f in r.flags)),
]
DAYS_COLUMNS = {8, 9}


class ArticlesModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column] = ARTICLE_COLUMNS) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: tuple[ArticleRow, ...] = ()

    def set_rows(self, rows: Sequence[ArticleRow]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def row(self, index: int) -> ArticleRow:
        return self.rows[index]

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        value = self.columns[index.column()][1](row)
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, dt.date):
                return value.isoformat()
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            if isinstance(value, dt.date):
                return value.toordinal()
            if value is None:
                return -10**9 if index.column() in DAYS_COLUMNS else ""
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [row.history.title, row.history.doi_url]
            tips += [reason_label(f) for f in row.flags]
            return "\n".join(t for t in tips if t)
        if role == Qt.ItemDataRole.BackgroundRole and row.flags:
            return QBrush(EXCLUDED_BACKGROUND if row.excluded else FLAGGED_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in DAYS_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _fmt(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


StatsColumn = tuple[Callable[[], str], Callable[[IntervalStats], Any]]

STATS_COLUMNS: list[StatsColumn] = [
    (lambda: tr("Group"), lambda s: s.group or s.journal),
    (lambda: tr("Interval"), lambda s: interval_label(s.interval)),
    (lambda: tr("n"), lambda s: s.n),
    (lambda: tr("Excluded"), lambda s: s.excluded),
    (lambda: tr("Median"), lambda s: _fmt(s.median_days)),
    (lambda: tr("Mean"), lambda s: _fmt(s.mean_days, 1)),
    (lambda: tr("P25–P75"), lambda s: f"{_fmt(s.p25_days)}–{_fmt(s.p75_days)}" if s.n else ""),
    (lambda: tr("P10–P90"), lambda s: f"{_fmt(s.p10_days)}–{_fmt(s.p90_days)}" if s.n else ""),
    (lambda: tr("Min–max"), lambda s: f"{_fmt(s.min_days)}–{_fmt(s.max_days)}" if s.n else ""),
    (lambda: tr("≤ 3 months"), lambda s: _pct(s.within_3_months)),
    (lambda: tr("≤ 6 months"), lambda s: _pct(s.within_6_months)),
    (lambda: tr("≤ 12 months"), lambda s: _pct(s.within_12_months)),
    (lambda: tr("Official"), lambda s: _fmt(s.official_days)),
]


class StatsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[IntervalStats, ...] = ()

    def set_rows(self, rows: Sequence[IntervalStats]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(STATS_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return STATS_COLUMNS[section][0]()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(STATS_COLUMNS[index.column()][1](s))
        if role == Qt.ItemDataRole.ToolTipRole and s.warning:
            return tr("Fewer than 20 articles: the figures are unreliable.")
        if role == Qt.ItemDataRole.BackgroundRole and s.n < 20:
            return QBrush(FLAGGED_BACKGROUND)
        return None
