"""The Papers page: search-as-you-type over the whole library, filters, a table that stays
smooth at 100,000 papers (``PapersTableModel``: paged row snapshots), a detail pane to read
and edit one paper, bulk edits on a selection, add/import/export and arXiv subscriptions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr, trn
from scholardesk.core.progress import Progress
from scholardesk.domain.changes import VENUES, Changes
from scholardesk.domain.importing import ImportReport
from scholardesk.domain.papers import READING_STATUSES, Paper, PaperFilter, PaperPage, PaperRow
from scholardesk.domain.published_versions import Proposal
from scholardesk.domain.venues import RankLabel
from scholardesk.gui.page_base import Page
from scholardesk.gui.papers.detail import PaperDetail, citation_menu, history_text
from scholardesk.gui.papers.dialogs import AddPapersDialog, ImportResultDialog, SubscriptionsDialog
from scholardesk.gui.papers.resolve_dialog import ResolveDialog
from scholardesk.gui.papers.table_model import (
    COLUMNS,
    PAGE,
    PapersTableModel,
    RankCell,
    rank_cells,
    status_label,
)
from scholardesk.gui.tasks import Task
from scholardesk.gui.widgets.empty_state import EmptyState
from scholardesk.gui.widgets.highlight import HighlightDelegate, search_terms
from scholardesk.gui.widgets.view_state import remember_header
from scholardesk.services.context import Services
from scholardesk.services.papers import Facets

logger = logging.getLogger(__name__)

SEARCH_DELAY_MS = 200
VENUE_MIN_CONFIDENCE = 0.85  # as the Rank column (VenuesService.rank_labels)
ANY_YEAR = 0


def _may_be_snapshot(path: Path) -> bool:
    """A file that may be the arXiv metadata snapshot (JSON lines, often compressed)."""
    name = path.name.lower()
    return name.endswith((".jsonl", ".gz", ".zip")) or name.startswith("arxiv-metadata")


def ids_by_rank(papers: object, venues: object, ids: list[int], worst_first: bool) -> list[int]:
    """Worker thread: ids ordered by the rank of their venue (RankLabel.sort_key: CCF, CAS
    zone, JCR quartile, IF), papers without a ranked venue last. SQL cannot sort by it, so
    the labels of the distinct venue strings decide; stable, so papers of one rank keep the
    order of ``ids``."""
    venue_of: dict[int, str] = papers.venues_for(ids)  # type: ignore[attr-defined]
    labels = venues.rank_labels(set(venue_of.values()))  # type: ignore[attr-defined]
    keys = {v: lab.sort_key for v, lab in labels.items()}
    ranked = [i for i in ids if venue_of.get(i) in keys]
    rest = [i for i in ids if venue_of.get(i) not in keys]
    ranked.sort(key=lambda i: keys[venue_of[i]], reverse=worst_first)
    return ranked + rest


def rank_predicate(zone: str, quartile: str, warning: str
                   ) -> Callable[[RankLabel | None], bool] | None:
    """The CAS zone / JCR quartile / warning filters as one test on a venue's rank label
    (None: no filter chosen). ``zone`` "1".."4" or "1T" (zone 1 and Top); ``warning``
    "warned" or "clear" (a venue without a label is not on the list)."""
    if not (zone or quartile or warning):
        return None

    def keep(label: RankLabel | None) -> bool:
        if zone:
            if label is None or label.cas_zone != int(zone[0]) or (zone.endswith("T")
                                                                    and not label.top):
                return False
        if quartile and (label is None or label.quartile != quartile):
            return False
        warned = label is not None and label.warned
        return not (warning == "warned" and not warned or warning == "clear" and warned)

    return keep


class PapersPage(Page):
    area = "papers"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.svc = services.papers
        self.loaded_count = 0  # how many list loads finished (tests wait on it)
        self.last_report: ImportReport | None = None
        self._sort = ("added", True)
        self._load_generation = 0
        self._selected_id: int | None = None
        self.resolve_dialog: ResolveDialog | None = None  # the open review (tests look at it)
        self._ranks_ready = False  # the venues' rank lookup is built (first build ~1 s)
        self._ranks_warming = False

        # -- filters -----------------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setObjectName("papers-search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("Search titles, authors, venues, abstracts, notes…"))
        self.status_filter = QComboBox()
        self.status_filter.addItem(tr("Any status"), "")
        for s in READING_STATUSES:
            self.status_filter.addItem(status_label(s), s)
        self.tag_filter = QComboBox()
        self.tag_filter.addItem(tr("Any tag"), "")
        self.category_filter = QComboBox()
        self.category_filter.addItem(tr("Any category"), "")
        self.rank_filter = QComboBox()  # venues integration: CCF rank of the paper's venue
        self.rank_filter.addItem(tr("Any CCF rank"), "")
        for ranks in ("A", "AB", "B", "C"):
            self.rank_filter.addItem(tr("CCF {rank}", rank="/".join(ranks)), ranks)
        self.zone_filter = QComboBox()  # CAS zone (中科院分区) of the newest CAS list
        self.zone_filter.setObjectName("papers-zone-filter")
        self.zone_filter.addItem(tr("Any CAS zone"), "")
        self.zone_filter.addItem(tr("CAS zone 1 Top"), "1T")
        for zone in (1, 2, 3, 4):
            self.zone_filter.addItem(tr("CAS zone {zone}", zone=zone), str(zone))
        self.quartile_filter = QComboBox()  # JCR quartile of the newest JCR list
        self.quartile_filter.setObjectName("papers-quartile-filter")
        self.quartile_filter.addItem(tr("Any JCR quartile"), "")
        for q in ("Q1", "Q2", "Q3", "Q4"):
            self.quartile_filter.addItem(tr("JCR {quartile}", quartile=q), q)
        self.warning_filter = QComboBox()  # the newest CAS warning list
        self.warning_filter.setObjectName("papers-warning-filter")
        self.warning_filter.addItem(tr("Warning list: any"), "")
        self.warning_filter.addItem(tr("On the warning list"), "warned")
        self.warning_filter.addItem(tr("Not on the warning list"), "clear")
        self.year_from = QSpinBox()
        self.year_to = QSpinBox()
        for spin, label in ((self.year_from, tr("from")), (self.year_to, tr("to"))):
            spin.setRange(ANY_YEAR, 2100)
            spin.setSpecialValueText(tr("any year"))
            spin.setPrefix(f"{label} ")
            spin.setValue(ANY_YEAR)
            spin.setKeyboardTracking(False)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.status_filter, self.tag_filter, self.category_filter, self.rank_filter,
                      self.zone_filter, self.quartile_filter, self.warning_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for spin in (self.year_from, self.year_to):
            spin.valueChanged.connect(lambda _v: self.reload())

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for w in (self.status_filter, self.tag_filter, self.category_filter, self.year_from,
                  self.year_to):
            filters.addWidget(w)
        rank_filters = QHBoxLayout()  # the venue's rank lists: a row of their own
        rank_filters.addWidget(QLabel(tr("Venue rank:")))
        for w in (self.rank_filter, self.zone_filter, self.quartile_filter, self.warning_filter):
            rank_filters.addWidget(w)
        rank_filters.addStretch(1)

        # -- actions ------------------------------------------------------------------------------
        self.add_button = QPushButton(tr("Add…"))
        self.add_button.setToolTip(tr("Add by arXiv id, DOI or pasted BibTeX"))
        self.import_button = QPushButton(tr("Import…"))
        self.export_button = QPushButton(tr("Export…"))
        self.fetch_button = QPushButton(tr("Fetch new"))
        self.fetch_button.setToolTip(tr("Bring in what appeared on arXiv since the last check"))
        self.subs_button = QPushButton(tr("Subscriptions…"))
        self.resolve_button = QPushButton(tr("Find published versions"))
        self.resolve_button.setObjectName("papers-resolve")
        self.resolve_button.setToolTip(tr(
            "Look up where arXiv preprints were published (Semantic Scholar, DBLP, OpenAlex, "
            "Crossref) and review the proposed venues before anything changes"))
        resolve_menu = QMenu(self.resolve_button)
        resolve_menu.addAction(tr("For the selected papers"), lambda: self.find_published())
        resolve_menu.addAction(tr("For the whole library"),
                               lambda: self.find_published(whole_library=True))
        resolve_menu.addSeparator()
        resolve_menu.addAction(tr("Review waiting proposals…"), self.review_proposals)
        self.resolve_button.setMenu(resolve_menu)
        self.count_label = QLabel()
        self.count_label.setObjectName("papers-count")
        self.add_button.clicked.connect(self.add_papers)
        self.import_button.clicked.connect(self.import_files)
        self.export_button.clicked.connect(self.export_papers)
        self.fetch_button.clicked.connect(self.fetch_new)
        self.subs_button.clicked.connect(self.edit_subscriptions)
        actions = QHBoxLayout()
        for b in (self.add_button, self.import_button, self.export_button, self.fetch_button,
                  self.subs_button, self.resolve_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.count_label)

        # -- table and detail ------------------------------------------------------------------
        self.model = PapersTableModel(self.svc.rows, self, fetch_ranks=self._rank_cells)
        self.table = QTableView()
        self.table.setObjectName("papers-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # the title takes what the other columns leave; the user's widths are remembered
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort_by)
        stars = self.table.fontMetrics().horizontalAdvance("★★★★★") + 16
        for col, width in enumerate((330, 110, 44, 120, 110, 56, stars, 70)):
            self.table.setColumnWidth(col, width)
        # a new key since the Rank column: a saved 7-column state would misplace the widths
        remember_header(header, services.paths.home, "papers-v2")
        self.highlight = HighlightDelegate(self.table)
        for col in (0, 1, 3):  # title, authors, venue: where search hits are
            self.table.setItemDelegateForColumn(col, self.highlight)
        self.empty_state = EmptyState(self.table)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        self.detail = PaperDetail()
        self.detail.save.clicked.connect(self.save_detail)
        self.detail.open.clicked.connect(self._open_in_browser)
        self.detail.review_dates.clicked.connect(self.read_review_dates)
        for style, action in self.detail.cite_actions.items():
            action.triggered.connect(lambda _c=False, style=style: self._copy_citation(style))  # type: ignore[attr-defined]
        self.detail.setMinimumWidth(300)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([800, 320])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(rank_filters)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

    # -- loading ---------------------------------------------------------------------------------
    def current_filter(self) -> PaperFilter:
        return PaperFilter(
            query=self.search.text().strip(),
            status=str(self.status_filter.currentData() or ""),
            tag=str(self.tag_filter.currentData() or ""),
            category=str(self.category_filter.currentData() or ""),
            year_from=self.year_from.value() or None,
            year_to=self.year_to.value() or None,
        )

    def refresh(self) -> None:
        self._warm_ranks()
        self.reload()
        Task(lambda _p: self.svc.facets()).on_success(self._show_facets).start()

    def reload(self) -> None:
        """Ids for the current filter and sort, plus the first page of rows, in one task."""
        flt = self.current_filter()
        sort, descending = self._sort
        self._load_generation += 1
        generation = self._load_generation

        ranks = str(self.rank_filter.currentData() or "")
        keep = rank_predicate(str(self.zone_filter.currentData() or ""),
                              str(self.quartile_filter.currentData() or ""),
                              str(self.warning_filter.currentData() or ""))

        def load(_p: object) -> tuple[list[int] | PaperPage, list[PaperRow],
                                      dict[str, RankCell]]:
            by_rank = sort == "rank"
            if not (by_rank or ranks or keep is not None):
                # the count and the first window from SQL; the others when scrolled to
                window = self.svc.list_page(flt, sort, descending, 0, PAGE)
                first = self.svc.rows(window.ids[:PAGE])
                return window, first, self._rank_cells(r.venue for r in first)  # type: ignore[return-value]
            ids = self.svc.list_ids(flt, "added" if by_rank else sort, True if by_rank else descending)
            if ranks or keep is not None:  # venues: papers whose venue has these ranks
                strings = [v for v, _n in self.svc.distinct_venues()]
                if ranks:
                    strings = self.services.venues.strings_with_rank(strings, ranks)
                if keep is not None and not ranks and keep(None):
                    # "not on the warning list": papers without a venue stay in
                    labels = self.services.venues.rank_labels(strings)
                    denied = set(self.svc.ids_with_venues(
                        [s for s in strings if not keep(labels.get(s))]))
                    ids = [i for i in ids if i not in denied]
                else:
                    if keep is not None:
                        labels = self.services.venues.rank_labels(strings)
                        strings = [s for s in strings if keep(labels.get(s))]
                    allowed = set(self.svc.ids_with_venues(strings))
                    ids = [i for i in ids if i in allowed]
            if by_rank:
                ids = ids_by_rank(self.svc, self.services.venues, ids, descending)
            first = self.svc.rows(ids[:PAGE])
            return ids, first, self._rank_cells(r.venue for r in first)  # type: ignore[return-value]

        def fetch_ids(offset: int, limit: int) -> list[int]:  # worker thread: one window
            return self.svc.list_window(flt, sort, descending, offset, limit)

        Task(load).on_success(lambda result: self._loaded(generation, result, fetch_ids)).start()

    def _rank_cells(self, venues: Iterable[str]) -> dict[str, RankCell] | None:
        """Worker thread: the Rank column's cells for these venue strings; None while the
        lookup is still being built (the rows do not wait for it)."""
        if not self._ranks_ready:
            return None
        return rank_cells(self.services.venues, venues)

    def _warm_ranks(self) -> None:
        """Build the venues' rank lookup in the background (an io task, so that it never
        holds up the rows); then fill the Rank column and the detail pane's venue history."""
        if self._ranks_ready or self._ranks_warming:
            return
        self._ranks_warming = True
        venues = self.services.venues

        def warmed(_r: object) -> None:
            self._ranks_warming = False
            self._ranks_ready = True
            wanted = self.model.cached_venues()
            Task(lambda _p: rank_cells(venues, wanted)).on_success(
                lambda cells: self.model.add_ranks(cells, wanted)).start()
            if self._selected_id is not None:
                self._selection_changed()

        def failed(exc: BaseException) -> None:
            self._ranks_warming = False
            logger.warning("Could not build the venue rank lookup: %s", exc)

        Task(lambda _p: venues.rank_labels([]), kind="io").on_success(warmed).on_failure(
            failed).start()

    def _loaded(self, generation: int,
                result: tuple[list[int] | PaperPage, list[PaperRow], dict[str, RankCell]],
                fetch_ids: Callable[[int, int], list[int]] | None = None) -> None:
        if generation != self._load_generation:
            return
        ids, first, ranks = result
        self.highlight.terms = search_terms(self.search.text())
        more = False
        if isinstance(ids, PaperPage):
            window = ids
            if len(window.ids) >= window.total:  # a search: its whole (capped) result
                self.model.set_ids(list(window.ids), first, ranks)
            elif fetch_ids is not None:
                self.model.set_window(window.total, window.ids, first, ranks, fetch_ids)
            total, more = window.total, window.more
        else:
            self.model.set_ids(ids, first, ranks)
            total = len(ids)
        self.count_label.setText(
            trn("More than {n} paper: refine the search", "More than {n} papers: refine the search",
                total) if more else trn("{n} paper", "{n} papers", total))
        self.empty_state.set_message(self._empty_message())
        self.loaded_count += 1
        if self._selected_id is None and self.loaded_count == 1 and total:
            self.table.selectRow(0)  # show something useful in the detail pane at start
            return
        if self._selected_id is not None:
            row = self.model.row_of(self._selected_id)
            if row is not None:
                self.table.selectRow(row)
                return
        self.detail.show_paper(None)

    def _empty_message(self) -> str:
        query = self.search.text().strip()
        if query:
            return tr("No papers match “{query}”.", query=query)
        if self.current_filter() != PaperFilter() or any(
                c.currentData() for c in (self.rank_filter, self.zone_filter,
                                          self.quartile_filter, self.warning_filter)):
            return tr("No papers match these filters.")
        return tr("Your library has no papers yet: use Add… or Import… above.")

    def _show_facets(self, facets: Facets) -> None:
        for combo, items in ((self.tag_filter, facets.tags),
                             (self.category_filter, facets.categories)):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, n in items:
                combo.addItem(f"{value} ({n})", value)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def on_changes(self, changes: Changes) -> None:
        # new rank lists change the Rank column and its filters
        if changes.touches(VENUES):
            self._ranks_ready = False
        if changes.touches(self.area) or changes.touches(VENUES):
            self.refresh()

    def _sort_by(self, column: int) -> None:
        key = COLUMNS[column][0]
        if key == "tags":
            return
        current, descending = self._sort
        # rank: best first on the first click (ascending sort key)
        descending = not descending if current == key else key in ("year", "rating", "added")
        self._sort = (key, descending)
        self.table.horizontalHeader().setSortIndicator(
            column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.reload()

    # -- selection and detail ----------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [pid for r in rows if (pid := self.model.id_at(r)) is not None]

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            if not ids:
                self._selected_id = None
            self.detail.show_paper(None)
            return
        pid = ids[0]
        self._selected_id = pid
        def fetch(_p: object) -> tuple[Paper, object, object, str]:
            paper = self.svc.get(pid)  # with its CCF badge (venues integration)
            ccf, history = None, ""
            found = (self.services.venues.match(paper.venue)
                     if paper.venue and self._ranks_ready else None)
            if found is not None and found.confidence >= VENUE_MIN_CONFIDENCE:
                ccf = found.venue.ccf
                history = history_text(self.services.venues.ccf_history(found.venue),
                                       self.services.venues.detail(found.venue.id).metrics)
            answers = self.services.papers_resolve.proposals(pending=False, paper_ids=[pid])
            return paper, ccf, answers[-1] if answers else None, history

        def show(result: tuple[Paper, object, object, str]) -> None:
            paper, ccf, proposal, history = result
            if self._selected_id != paper.id:
                return
            self.detail.show_paper(paper)
            if ccf is not None:
                badge = tr("CCF {rank}", rank=getattr(ccf, "rank", ""))
                self.detail.where.setText(f"{self.detail.where.text()} · {badge}")
            self.detail.show_published(proposal)  # type: ignore[arg-type]
            self.detail.show_history(history)

        Task(fetch).on_success(show).start()

    def save_detail(self) -> None:
        paper = self.detail.paper
        if paper is None:
            return
        d = self.detail
        tags = [t.strip() for t in d.tags.text().split(",") if t.strip()]
        links = {k: e.text().strip() for k, e in d.links.items()}
        status = str(d.status.currentData())
        rating = d.rating.value()
        notes = d.notes.toPlainText()

        def save(_p: object) -> Changes:
            changes = self.svc.update([paper.id], status=status, rating=rating, notes=notes,
                                      add_tags=tags,
                                      remove_tags=[t for t in paper.tags if t not in
                                                   {x.lower() for x in tags}])
            return changes | self.svc.set_links(paper.id, links)

        Task(save).with_progress(tr("Saving the paper")).start()

    def _open_in_browser(self) -> None:
        paper = self.detail.paper
        if paper is not None and paper.best_url:
            QDesktopServices.openUrl(QUrl(paper.best_url))

    def read_review_dates(self) -> None:
        """The review dates printed in the selected paper's attached PDF, into the review
        times (services.zotero_import.read_review_dates); the result shows in the pane."""
        paper = self.detail.paper
        if paper is None:
            return
        from scholardesk.services.zotero_import import read_review_dates

        pid = paper.id
        Task(lambda p: read_review_dates(self.svc, self.services.reviews, pid, p)).with_progress(
            tr("Reading review dates from the PDF")
        ).on_success(self.detail.show_review_dates).start()

    def _copy_citation(self, style: str) -> None:
        paper = self.detail.paper
        if paper is None:
            return
        Task(lambda _p: self.svc.citation(paper.id, style)).on_success(
            lambda text: QGuiApplication.clipboard().setText(text)
        ).start()

    # -- bulk edit -------------------------------------------------------------------------------
    def _context_menu(self, pos: QPoint) -> None:
        ids = self.selected_ids()
        if ids:
            self.context_menu(ids).exec(self.table.viewport().mapToGlobal(pos))

    def context_menu(self, ids: list[int]) -> QMenu:
        """The table's right-click menu for the selected papers ``ids``."""
        menu = QMenu(self)
        if len(ids) == 1 and self.detail.paper is not None and self.detail.paper.id == ids[0]:
            menu.addAction(tr("Open in browser"), self._open_in_browser)
            cite, actions = citation_menu(menu)
            for style, action in actions.items():
                action.triggered.connect(lambda _c=False, style=style: self._copy_citation(style))  # type: ignore[attr-defined]
            menu.addMenu(cite)
            # the detail pane's attachment buttons (Zotero): same state, same tooltips
            for button in self.detail.attachment_buttons():
                if button.isHidden():
                    continue
                action = menu.addAction(button.text(), button.click)
                action.setEnabled(button.isEnabled())
                action.setToolTip(button.toolTip())
            menu.setToolTipsVisible(True)
            menu.addSeparator()
        for s in READING_STATUSES:
            menu.addAction(tr("Mark as {status}", status=status_label(s)),
                           lambda s=s: self.bulk_update(ids, status=s))
        menu.addSeparator()
        menu.addAction(tr("Add tag…"), lambda: self._ask_tag(ids, add=True))
        menu.addAction(tr("Remove tag…"), lambda: self._ask_tag(ids, add=False))
        menu.addSeparator()
        menu.addAction(tr("Find published versions"), lambda: self.find_published(ids))
        menu.addSeparator()
        menu.addAction(tr("Export selection…"), lambda: self.export_papers(ids))
        menu.addAction(tr("Delete…"), lambda: self._delete(ids))
        return menu

    def bulk_update(self, ids: list[int], **values: object) -> None:
        def run(_p: object) -> Changes:
            return self.svc.update(ids, **values)  # type: ignore[arg-type]

        Task(run).with_progress(trn("Updating {n} paper", "Updating {n} papers", len(ids))).start()

    def _ask_tag(self, ids: list[int], add: bool) -> None:
        tag, ok = QInputDialog.getText(
            self, tr("Add tag") if add else tr("Remove tag"), tr("Tag:")
        )
        if ok and tag.strip():
            if add:
                self.bulk_update(ids, add_tags=[tag])
            else:
                self.bulk_update(ids, remove_tags=[tag])

    def _delete(self, ids: list[int]) -> None:
        question = trn("Delete {n} paper from the library?", "Delete {n} papers from the library?",
                       len(ids))
        others = self.svc.others_marking(ids)
        if others:  # a shared library: a paper is deleted for everyone
            question += "\n\n" + tr(
                "{people} marked or tagged them: their status, rating, notes and tags on these "
                "papers are deleted too.", people=", ".join(others))
        answer = QMessageBox.question(self, tr("Delete papers"), question)
        if answer == QMessageBox.StandardButton.Yes:
            Task(lambda _p: self.svc.delete(ids)).with_progress(tr("Deleting papers")).start()

    # -- published versions (issue #14) ---------------------------------------------------------
    def find_published(self, ids: list[int] | None = None, whole_library: bool = False) -> None:
        """Ask the services where the papers (the selection, or every preprint) were
        published, then open the review. Cancel keeps the answers found so far."""
        chosen: list[int] | None = None if whole_library else (ids or self.selected_ids())
        if chosen is not None and not chosen:
            QMessageBox.information(self, tr("Find published versions"),
                                    tr("Select papers first, or choose “For the whole library”."))
            return
        resolver = self.services.papers_resolve
        label = (tr("Finding published versions of the library") if chosen is None else
                 trn("Finding the published version of {n} paper",
                     "Finding the published versions of {n} papers", len(chosen)))

        def run(p: Progress) -> tuple[object, dict[int, PaperRow]]:
            report = resolver.propose(chosen, p)
            return report, self._rows_of([x.paper_id for x in report.proposals])

        Task(run, kind="io").with_progress(label).on_success(
            lambda result: self._open_review(result[0].proposals, result[1],  # type: ignore[attr-defined]
                                             len(result[0].proposals))  # type: ignore[attr-defined]
        ).start()

    def review_proposals(self) -> None:
        """The proposals waiting from an earlier (perhaps interrupted) run."""
        resolver = self.services.papers_resolve

        def run(_p: object) -> tuple[list[Proposal], dict[int, PaperRow]]:
            pending = resolver.proposals(pending=True)
            return pending, self._rows_of([x.paper_id for x in pending])

        Task(run).on_success(lambda result: self._open_review(result[0], result[1], None)).start()

    def _rows_of(self, ids: list[int]) -> dict[int, PaperRow]:
        return {r.id: r for r in self.svc.rows(ids)}

    def _open_review(self, proposals: list[Proposal], rows: dict[int, PaperRow],
                     checked: int | None) -> None:
        dialog = ResolveDialog(proposals, rows, checked, self)
        self.resolve_dialog = dialog
        resolver = self.services.papers_resolve

        def accept(ids: list[int]) -> None:
            Task(lambda _p: resolver.apply(ids)).with_progress(
                trn("Applying {n} published version", "Applying {n} published versions", len(ids))
            ).on_success(lambda _r: dialog.remove(ids)).start()

        def dismiss(ids: list[int]) -> None:
            Task(lambda _p: resolver.dismiss(ids)).on_success(lambda _r: dialog.remove(ids)).start()

        dialog.accept_requested.connect(accept)
        dialog.dismiss_requested.connect(dismiss)
        dialog.open()

    # -- add / import / export / arXiv ----------------------------------------------------------
    def import_actions(self) -> list[QAction]:
        add = QAction(tr("Papers by arXiv id, DOI or BibTeX…"), self)
        add.triggered.connect(self.add_papers)
        files = QAction(tr("Papers from BibTeX or arXiv Atom files…"), self)
        files.triggered.connect(self.import_files)
        from scholardesk.gui.papers.zotero_import import zotero_import_action

        return [add, files, zotero_import_action(self)]

    def export_actions(self) -> list[QAction]:
        export = QAction(tr("Papers (BibTeX, CSV, JSON)…"), self)
        export.triggered.connect(lambda: self.export_papers())
        return [export]

    def add_papers(self) -> None:
        dialog = AddPapersDialog(self)
        if not dialog.exec() or not dialog.value():
            return
        text = dialog.value()
        Task(lambda p: self.svc.add([text], progress=p), kind="io").with_progress(
            tr("Adding papers")
        ).on_success(lambda r: self._show_report(r, tr("Add papers"))).start()

    def import_files(self, paths: list[str] | None = None) -> None:
        if not paths:
            paths, _ = QFileDialog.getOpenFileNames(
                self, tr("Import papers"), "",
                tr("Bibliographies (*.bib *.bibtex *.xml *.atom *.json);;"
                   "arXiv metadata snapshot (*.json *.jsonl *.gz *.zip);;All files (*)"),
            )
        if not paths:
            return
        files = [Path(p) for p in paths]
        snapshots = [f for f in files if _may_be_snapshot(f)]
        others = [f for f in files if f not in snapshots]
        categories = ""
        if snapshots:
            # the 2.7-million-paper snapshot: most users want a few categories of it (only of
            # it: a .bib chosen with it has no arXiv categories and is imported whole)
            asked = self.ask_categories()
            if asked is None:
                return
            categories = asked

        def run(p: Progress) -> ImportReport:
            report = self.svc.import_files(others, progress=p)
            if snapshots:
                report.merge(self.svc.import_files(snapshots, progress=p,
                                                   categories=categories))
            return report

        Task(run).with_progress(tr("Importing papers")).on_success(
            lambda r: self._show_report(r, tr("Import papers"))).start()

    def ask_categories(self) -> str | None:
        """The arXiv categories to keep from a snapshot ("" keeps all; None: cancelled)."""
        text, ok = QInputDialog.getText(
            self, tr("arXiv categories"),
            tr("Keep only papers of these arXiv categories (e.g. cs.*, stat.ML); "
               "leave empty to import all:"),
            text="cs.*",
        )
        return text.strip() if ok else None

    def _show_report(self, report: ImportReport, title: str) -> None:
        self.last_report = report
        ImportResultDialog(report, title, self).open()

    def export_papers(self, ids: list[int] | None = None) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, tr("Export papers"), "papers.bib",
            "BibTeX (*.bib);;CSV (*.csv);;JSON (*.json)",
        )
        if not path:
            return
        suffix = Path(path).suffix.lower()
        fmt = {".csv": "csv", ".json": "json"}.get(suffix, "bibtex")
        flt = PaperFilter(ids=tuple(ids)) if ids else self.current_filter()
        Task(lambda p: self.svc.export(fmt, Path(path), flt, p)).with_progress(
            tr("Exporting papers")
        ).on_success(lambda n: self.count_label.setText(
            trn("Exported {n} paper to {path}.", "Exported {n} papers to {path}.", n, path=path))).start()

    def fetch_new(self) -> None:
        Task(lambda p: self.svc.fetch_new(p), kind="io").with_progress(
            tr("Fetching new arXiv papers")
        ).on_success(lambda r: self._show_report(r, tr("New arXiv papers"))).start()

    def edit_subscriptions(self) -> None:
        dialog = SubscriptionsDialog(self)

        def reload() -> None:
            Task(lambda _p: self.svc.subscriptions()).on_success(dialog.set_subscriptions).start()

        def subscribe() -> None:
            kind, query = dialog.entered()
            if query:
                Task(lambda _p: self.svc.subscribe(query, kind)).on_success(
                    lambda _r: (dialog.query.clear(), reload())
                ).start()

        def unsubscribe() -> None:
            chosen = dialog.selected()
            if chosen:
                Task(lambda _p: self.svc.unsubscribe(chosen[1], chosen[0])).on_success(
                    lambda _r: reload()
                ).start()

        dialog.add_button.clicked.connect(subscribe)
        dialog.remove_button.clicked.connect(unsubscribe)
        reload()
        dialog.exec()
