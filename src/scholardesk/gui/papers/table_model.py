"""The papers table: a model over windows of row snapshots loaded in the background.

The model never needs the whole library. ``set_window`` gives it the row count and the first
window (200 ids and their rows, from one query); any other window's ids *and* rows are
fetched by position (``fetch_ids(offset, limit)``: an index walk in SQL) when a view asks for
a row there. ``set_ids`` still takes a complete ordered id list (a search's capped result,
the Rank sort). ``data()`` never touches the database: a row that is not cached shows "…",
its window is requested from a ``Task``, and ``dataChanged`` repaints it on arrival. Only
``MAX_PAGES`` windows are kept (the farthest from the newest arrival are dropped), so
scrolling through a million papers holds a few thousand rows, and a jump to row 900,000 costs
one window query, as row 1 does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont

from scholardesk.core.i18n import tr
from scholardesk.domain.papers import PaperRow
from scholardesk.gui.tasks import Task

logger = logging.getLogger(__name__)

PAGE = 200
MAX_PAGES = 40  # windows whose rows stay cached (8,000 rows)
ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS: list[tuple[str, Callable[[], str]]] = [
    ("title", lambda: tr("Title")),
    ("authors", lambda: tr("Authors")),
    ("year", lambda: tr("Year")),
    ("venue", lambda: tr("Venue")),
    ("rank", lambda: tr("Rank")),
    ("status", lambda: tr("Status")),
    ("rating", lambda: tr("Rating")),
    ("tags", lambda: tr("Tags")),
]


@dataclass(frozen=True)
class RankCell:
    """What the Rank column shows for one venue string (a snapshot, like the rows)."""

    text: str  # "CCF A · 1区 Top · Q1 · IF 20.8"
    warned: bool = False  # on the newest warning list: shown red
    tooltip: str = ""  # the CCF history of the venue and its warning


def rank_cells(venues: object, strings: Iterable[str]) -> dict[str, RankCell]:
    """Rank cells for venue strings, through ``VenuesService.rank_labels`` (worker thread)."""
    from scholardesk.domain.venues import ccf_history

    wanted = sorted({s for s in strings if s})
    if not wanted:
        return {}
    labels = venues.rank_labels(wanted)  # type: ignore[attr-defined]
    if not labels:
        return {}
    edition = venues.shown_edition()  # type: ignore[attr-defined]
    out: dict[str, RankCell] = {}
    for text, label in labels.items():
        found = venues.match(text)  # type: ignore[attr-defined]
        lines = []
        if found is not None:
            history = ccf_history(found.venue.ccf_all, edition)
            lines.append(f"{found.venue.label} · {history}" if history else found.venue.label)
        if label.text != f"CCF {label.ccf}":
            lines.append(label.text)
        if label.warning:
            lines.append(tr("Warning list: {warning}", warning=label.warning))
        out[str(text)] = RankCell(label.text, label.warned, "\n".join(lines))
    return out


def status_label(status: str) -> str:
    return {"unread": tr("Unread"), "reading": tr("Reading"), "read": tr("Read")}.get(status, status)


class PapersTableModel(QAbstractTableModel):
    page_loaded = Signal(int)  # page number, after its rows arrived

    def __init__(self, fetch_rows: Callable[[Sequence[int]], list[PaperRow]],
                 parent: QObject | None = None,
                 fetch_ranks: Callable[[Iterable[str]], Mapping[str, RankCell] | None]
                 | None = None,
                 ) -> None:
        super().__init__(parent)
        self._fetch_rows = fetch_rows
        self._fetch_ranks = fetch_ranks
        self._fetch_ids: Callable[[int, int], list[int]] | None = None
        self._total = 0
        self._pages: dict[int, list[int]] = {}  # window number → its ids in display order
        self._rows: dict[int, PaperRow] = {}
        self._ranks: dict[str, RankCell] = {}  # venue string → its rank cell
        self._asked: set[str] = set()  # venue strings whose rank was looked up
        self._pending: set[int] = set()
        self._wanted: set[int] = set()
        self._generation = 0
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._load_wanted)

    # -- content -------------------------------------------------------------------------------
    def set_ids(self, ids: list[int], first_rows: Sequence[PaperRow] = (),
                ranks: Mapping[str, RankCell] | None = None) -> None:
        """A new result whose ids are all known, in display order, plus the first page and
        the rank cells of its venues (looked up in the same task)."""
        pages = {i // PAGE: ids[i : i + PAGE] for i in range(0, len(ids), PAGE)}
        self._reset(len(ids), pages, None, first_rows, ranks)

    def set_window(self, total: int, first_ids: Sequence[int], first_rows: Sequence[PaperRow],
                   ranks: Mapping[str, RankCell] | None,
                   fetch_ids: Callable[[int, int], list[int]]) -> None:
        """A new result of ``total`` rows of which only the first window is known; the others
        come from ``fetch_ids(offset, limit)`` (called on a worker thread) when shown."""
        pages = {0: list(first_ids[:PAGE])} if first_ids else {}
        self._reset(total, pages, fetch_ids, first_rows, ranks)

    def _reset(self, total: int, pages: dict[int, list[int]],
               fetch_ids: Callable[[int, int], list[int]] | None,
               first_rows: Sequence[PaperRow], ranks: Mapping[str, RankCell] | None) -> None:
        self.beginResetModel()
        self._generation += 1
        self._total = total
        self._pages = pages
        self._fetch_ids = fetch_ids
        self._rows = {r.id: r for r in first_rows}
        if ranks is not None:  # a new lookup: venue lists may have changed since the last
            self._ranks = dict(ranks)
            self._asked = {r.venue for r in first_rows if r.venue}
        else:  # not looked up (not ready): look again when the pages load
            self._ranks, self._asked = {}, set()
        self._pending.clear()
        self._wanted.clear()
        if first_rows:
            self._pending.add(0)
        self.endResetModel()

    def ids(self) -> list[int]:
        """The ids known so far, in display order (all of them after ``set_ids``)."""
        return [pid for n in sorted(self._pages) for pid in self._pages[n]]

    def id_at(self, row: int) -> int | None:
        if not 0 <= row < self._total:
            return None
        page = self._pages.get(row // PAGE)
        offset = row % PAGE
        return page[offset] if page is not None and offset < len(page) else None

    def row_of(self, paper_id: int) -> int | None:
        """The row of a paper among the windows known so far (None: not there or not
        loaded)."""
        for n, ids in self._pages.items():
            if paper_id in ids:
                return n * PAGE + ids.index(paper_id)
        return None

    def cached_venues(self) -> set[str]:
        return {r.venue for r in self._rows.values() if r.venue}

    def add_ranks(self, ranks: Mapping[str, RankCell], asked: Iterable[str] = ()) -> None:
        """Rank cells that arrived after the rows (the lookup was still being built)."""
        self._ranks.update(ranks)
        self._asked.update(asked)
        self._asked.update(ranks)
        if self._total:
            col = [k for k, _h in COLUMNS].index("rank")
            self.dataChanged.emit(self.index(0, col), self.index(self._total - 1, col))

    def rank_of(self, venue: str) -> RankCell | None:
        return self._ranks.get(venue)

    def cached(self, row: int) -> PaperRow | None:
        pid = self.id_at(row)
        return self._rows.get(pid) if pid is not None else None

    def invalidate_rows(self, ids: Sequence[int]) -> None:
        """Rows edited elsewhere: drop them from the cache; they reload when seen."""
        wanted = set(ids)
        for pid in wanted:
            self._rows.pop(pid, None)
        pages = {n for n, page in self._pages.items() if wanted.intersection(page)}
        self._pending -= pages
        if self._total:
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(COLUMNS) - 1))

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]()
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        pid = self.id_at(index.row())
        if role == ID_ROLE:
            return pid
        row = self._rows.get(pid) if pid is not None else None
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._want(index.row() // PAGE)
                return "…" if index.column() == 0 else ""
            return None
        key = COLUMNS[index.column()][0]
        if key == "rank":
            return self._rank_data(row, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("title", "authors", "venue"):
            return {"title": row.title, "authors": ", ".join(row.authors), "venue": row.venue}[key]
        if role == Qt.ItemDataRole.FontRole and row.status == "unread" and key == "title":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and key == "status" and row.status == "unread":
            return QColor("#1565c0")
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("year", "rating"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _rank_data(self, row: PaperRow, role: int) -> object:
        cell = self._ranks.get(row.venue) if row.venue else None
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip or cell.text
        if role == Qt.ItemDataRole.ForegroundRole and cell.warned:
            return QColor("#c62828")
        return None

    @staticmethod
    def _display(row: PaperRow, key: str) -> str:
        if key == "title":
            return row.title
        if key == "authors":
            return row.authors_short
        if key == "year":
            return str(row.year) if row.year else ""
        if key == "venue":
            return row.venue or (f"arXiv:{row.arxiv_id}" if row.arxiv_id else "")
        if key == "status":
            return status_label(row.status)
        if key == "rating":
            return "★" * row.rating
        if key == "tags":
            return ", ".join(row.tags)
        return ""

    # -- background page loading ------------------------------------------------------------
    def _want(self, page: int) -> None:
        if page in self._pending:
            return
        self._wanted.add(page)
        if not self._flush.isActive():
            self._flush.start()

    def _load_wanted(self) -> None:
        generation = self._generation
        fetch_ids = self._fetch_ids
        for page in sorted(self._wanted - self._pending):
            self._pending.add(page)
            known = self._pages.get(page)
            asked = frozenset(self._asked)  # read on the GUI thread, passed to the worker
            Task(lambda _p, page=page, known=known, asked=asked: self._load_page(
                page, known, fetch_ids, asked)).on_success(
                lambda result, page=page: self._page_arrived(generation, page, *result)
            ).on_failure(lambda exc, page=page: self._page_failed(page, exc)).start()
        self._wanted.clear()

    def _load_page(self, page: int, known: list[int] | None,
                   fetch_ids: Callable[[int, int], list[int]] | None, asked: frozenset[str],
                   ) -> tuple[list[PaperRow], set[str], Mapping[str, RankCell], list[int]]:
        """Worker thread: one window's ids (when not known yet), its rows and the rank cells
        of its new venue strings."""
        ids = known if known is not None else (
            fetch_ids(page * PAGE, PAGE) if fetch_ids is not None else [])
        rows = self._fetch_rows(ids)
        new = {r.venue for r in rows if r.venue and r.venue not in asked}
        ranks = self._fetch_ranks(new) if new and self._fetch_ranks is not None else {}
        if ranks is None:  # the rank lookup is not ready yet: add_ranks() fills them in later
            return rows, set(), {}, ids
        return rows, new, ranks, ids

    def _page_arrived(self, generation: int, page: int, rows: list[PaperRow],
                      asked: Iterable[str] = (), ranks: Mapping[str, RankCell] | None = None,
                      ids: Sequence[int] | None = None) -> None:
        if generation != self._generation:
            return  # an old result: the filter changed while it loaded
        self._asked.update(asked)
        self._ranks.update(ranks or {})
        if ids is not None:
            self._pages[page] = list(ids)
        for r in rows:
            self._rows[r.id] = r
        self._evict(page)
        first = page * PAGE
        last = min(self._total, first + PAGE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.page_loaded.emit(page)

    def _evict(self, keep: int) -> None:
        """Keep the rows of at most ``MAX_PAGES`` windows: drop those farthest from ``keep``
        (their ids too when they can be fetched again by position)."""
        loaded = [n for n, ids in self._pages.items() if ids and ids[0] in self._rows]
        if len(loaded) <= MAX_PAGES:
            return
        loaded.sort(key=lambda n: abs(n - keep))
        for n in loaded[MAX_PAGES:]:
            for pid in self._pages[n]:
                self._rows.pop(pid, None)
            if self._fetch_ids is not None and n != 0:
                del self._pages[n]
            self._pending.discard(n)

    def _page_failed(self, page: int, exc: BaseException) -> None:
        logger.warning("Could not load papers page %s: %s", page, exc)
        self._pending.discard(page)
