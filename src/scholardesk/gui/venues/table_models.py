"""Qt table models of the Venues page: immutable snapshots, never a query in ``data()``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from scholardesk.core.i18n import current_language, tr
from scholardesk.domain.venues import (
    METRICS,
    CcfChange,
    DeadlineRow,
    RankLabel,
    Venue,
    VenueMetric,
    category_label,
)

AnyIndex = QModelIndex | QPersistentModelIndex
RANK_COLORS = {"A": "#c62828", "B": "#ef6c00", "C": "#2e7d32"}
WARNED_COLOR = "#d50000"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def kind_label(kind: str) -> str:
    return tr("Journal") if kind == "journal" else tr("Conference")


def metric_label(metric: str) -> str:
    """"cas_zone_sub_2" → "CAS zone (minor) · 2" (the lists number their categories)."""
    if metric in METRICS:
        return tr(METRICS[metric])
    base, _, number = metric.rpartition("_")
    if number.isdigit() and base:
        names = {"jcr_quartile": tr("JCR quartile"), "jcr_rank": tr("JCR rank"),
                 "cas_zone_sub": tr("CAS zone (minor)")}
        return f"{names.get(base) or tr(METRICS.get(base, base))} · {number}"
    return metric


def shown_ranks(v: Venue) -> str:
    """The venue's CCF rank(s) in the edition shown (two categories may list it)."""
    if v.ccf is None:
        return ""
    return "/".join(sorted({r.rank for r in v.ccf_all if r.edition == v.ccf.edition}))


def shown_categories(v: Venue) -> list[str]:
    """The venue's categories in the edition shown, each once (TOMM: CG, NW)."""
    if v.ccf is None:
        return []
    return list(dict.fromkeys(r.category for r in v.ccf_all if r.edition == v.ccf.edition))


def source_family(source: str) -> str:
    """"JCR 2025" → "JCR", "CAS warning 2024" → "CAS warning": one chart line per list."""
    head, _, tail = source.rpartition(" ")
    return head if head and tail.isdigit() else source


class VenueTableModel(QAbstractTableModel):
    COLUMNS = ("abbr", "name", "kind", "rank", "lists", "category", "publisher")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Venue] = []
        self.labels: dict[int, RankLabel] = {}

    def headers(self) -> list[str]:
        return [tr("Abbreviation"), tr("Full name"), tr("Kind"), tr("CCF"), tr("Rank lists"),
                tr("Category"), tr("Publisher")]

    def set_rows(self, rows: list[Venue], labels: dict[int, RankLabel] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.labels = dict(labels or {})
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def venue(self, row: int) -> Venue:
        return self.rows[row]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        label = self.labels.get(v.id)
        if role == SORT_ROLE and col == "lists":
            return label.sort_key if label is not None else (10, 10, 10, 0.0)
        if col == "lists" and role == Qt.ItemDataRole.ToolTipRole:
            if label is not None and label.warned:
                return tr("On the newest warning list: {warning}", warning=label.warning)
            return label.text if label is not None else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == "abbr":
                return v.abbr
            if col == "name":
                return v.name
            if col == "kind":
                return kind_label(v.kind)
            if col == "rank":
                return shown_ranks(v) or "—"
            if col == "lists":
                return label.text if label is not None else ""
            if col == "category":
                codes = shown_categories(v)
                if role == Qt.ItemDataRole.ToolTipRole:
                    return ", ".join(category_label(c, current_language()) for c in codes) or None
                return ", ".join(codes)
            if col == "publisher":
                return v.publisher
        if role == Qt.ItemDataRole.ForegroundRole and col == "rank" and v.ccf:
            return QBrush(QColor(RANK_COLORS.get(v.ccf.rank, "#000")))
        if role == Qt.ItemDataRole.ForegroundRole and col == "lists" and label and label.warned:
            return QBrush(QColor(WARNED_COLOR))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == "rank":
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return v.id
        return None


class VenueFilterProxy(QSortFilterProxyModel):
    """Filters the loaded snapshot in memory (no query per keystroke)."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.category = ""
        self.rank = ""
        self.kind = ""
        self.publisher = ""
        self.match_id: int | None = None  # the venue a pasted venue string resolved to

    def set_filters(self, text: str, category: str, rank: str, kind: str, publisher: str,
                    match_id: int | None = None) -> None:
        begin = getattr(self, "beginFilterChange", None)
        if begin is not None:  # Qt >= 6.10
            begin()
        self.text = text.casefold().strip()
        self.category, self.rank, self.kind, self.publisher = category, rank, kind, publisher
        self.match_id = match_id
        if begin is not None:
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, VenueTableModel)
        v = model.venue(source_row)
        if self.match_id is not None and v.id == self.match_id:
            return True  # "NeurIPS 2023" is no substring of NeurIPS, but it names it
        if self.kind and v.kind != self.kind:
            return False
        if self.publisher and v.publisher != self.publisher:
            return False
        ranks = tuple(r for r in v.ccf_all if v.ccf is None or r.edition == v.ccf.edition)
        if self.category:
            ranks = tuple(r for r in ranks if r.category == self.category)
            if not ranks:
                return False
        if self.rank and not any(r.rank == self.rank for r in ranks):
            return False
        if self.text and self.text not in v.abbr.casefold() and self.text not in v.name.casefold():
            return False
        return True

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:  # noqa: N802 (Qt API)
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is not None and b is not None:
            return bool(a < b)
        return super().lessThan(left, right)


class MetricsTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[VenueMetric] = []

    def set_rows(self, rows: list[VenueMetric]) -> None:
        self.beginResetModel()
        # per list (JCR, CAS, warning …), then metric, newest year first
        self.rows = sorted(rows, key=lambda m: (source_family(m.source), m.metric, -m.year,
                                                m.source))
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [tr("Metric"), tr("Year"), tr("Value"), tr("Source")][section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        m = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return m.note or None
        return [metric_label(m.metric), str(m.year), m.value, m.source][index.column()]


def countdown_text(deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return tr("TBD")
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return tr("closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return tr("{days} d {clock}", days=days, clock=clock) if days else clock


class DeadlineTableModel(QAbstractTableModel):
    """Deadlines with a live countdown column: ``tick()`` (a QTimer) repaints that column
    only; the rows themselves are a snapshot."""

    COUNTDOWN = 0

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DeadlineRow] = []
        self.now = datetime.now(UTC)

    def set_rows(self, rows: list[DeadlineRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.now = datetime.now(UTC)
        self.endResetModel()

    def tick(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)
        if self.rows:
            self.dataChanged.emit(
                self.index(0, self.COUNTDOWN), self.index(len(self.rows) - 1, self.COUNTDOWN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [tr("Time left"), tr("Venue"), tr("CCF"), tr("Deadline"),
                    tr("Deadline (your time)"), tr("As announced"), tr("Place")][section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return countdown_text(r.deadline_utc, self.now)
            if col == 1:
                return f"{r.venue} {r.year}"
            if col == 2:
                return r.ccf_rank or "—"
            if col == 3:
                return tr("Abstract") if r.kind == "abstract" else tr("Paper")
            if col == 4:
                if r.deadline_utc is None:
                    return tr("TBD")
                return r.deadline_utc.astimezone().strftime("%Y-%m-%d %H:%M %Z")
            if col == 5:
                return f"{r.local_text} {r.timezone}"
            if col == 6:
                return r.place
        if role == Qt.ItemDataRole.ToolTipRole and col in (1, 6):
            return r.link or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 0 and r.deadline_utc is not None:
            left = (r.deadline_utc - self.now).total_seconds()
            if left < 7 * 86400:
                return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and r.ccf_rank:
            return QBrush(QColor(RANK_COLORS.get(r.ccf_rank, "#000")))
        if role == Qt.ItemDataRole.FontRole and col == 0:
            from PySide6.QtGui import QFontDatabase

            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        return None


def change_label(change: str) -> str:
    return {"added": tr("added"), "removed": tr("removed"), "upgraded": tr("upgraded"),
            "downgraded": tr("downgraded"), "renamed": tr("renamed"),
            "merged": tr("merged")}.get(change, change)


class CcfChangesModel(QAbstractTableModel):
    """What changed between two CCF editions (``VenuesService.ccf_changes``)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CcfChange] = []

    def set_rows(self, rows: list[CcfChange]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [tr("Change"), tr("Abbreviation"), tr("Full name"), tr("Kind"),
                    tr("Category"), tr("CCF"), tr("Note")][section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            rank = " → ".join(r for r in (c.old_rank, c.new_rank) if r) if c.old_rank and \
                c.new_rank and c.old_rank != c.new_rank else (c.new_rank or c.old_rank)
            return [change_label(c.change), c.abbr, c.name, kind_label(c.kind),
                    category_label(c.category, current_language()) if c.category else "",
                    rank, c.note][col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            color = {"added": "#2e7d32", "removed": "#c62828", "upgraded": "#1565c0",
                     "downgraded": "#ef6c00"}.get(c.change)
            return QBrush(QColor(color)) if color else None
        return None
