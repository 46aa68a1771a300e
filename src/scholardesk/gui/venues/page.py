"""The Venues page: the catalogue (filterable table with the CCF rank and the compact rank-list
label + detail pane with the CCF history, the per-list metrics history chart and table,
deadlines), an "Upcoming deadlines" view with live countdowns and a "CCF changes" view between
two editions. Rank lists import from files/folders or update in one step (a report per file). Every read and write runs in a background Task; the countdown QTimer only repaints
the view (it never touches the database)."""

from __future__ import annotations

import html
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import current_language, tr, trn
from scholardesk.domain.changes import REVIEWS, VENUES, Changes
from scholardesk.domain.importing import ImportReport
from scholardesk.domain.venues import (
    CATEGORIES,
    CcfChange,
    DeadlineRow,
    RankLabel,
    Venue,
    VenueDetail,
    VenueMatch,
    category_label,
)
from scholardesk.gui.page_base import Page
from scholardesk.gui.tasks import Task, TaskRunner
from scholardesk.gui.venues.dialogs import ListsReportDialog, MetricDialog, lists_report_summary
from scholardesk.gui.venues.review_summary import ReviewSummaryLabel
from scholardesk.gui.venues.table_models import (
    RANK_COLORS,
    WARNED_COLOR,
    CcfChangesModel,
    DeadlineTableModel,
    MetricsTableModel,
    VenueFilterProxy,
    VenueTableModel,
    kind_label,
    metric_label,
    source_family,
)
from scholardesk.gui.widgets.empty_state import EmptyState
from scholardesk.gui.widgets.view_state import remember_header
from scholardesk.services.context import Services
from scholardesk.services.reviews import JournalSummary
from scholardesk.services.venues import ListsImportReport

Loaded = tuple[list[Venue], list[DeadlineRow], list[str], dict[int, RankLabel], list[str]]

logger = logging.getLogger(__name__)

CHART_COLORS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f"]


def _testing() -> bool:
    return "pytest" in sys.modules and QApplication.platformName() == "offscreen"


class VenuesPage(Page):
    area = "venues"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.svc = services.venues
        self.detail: VenueDetail | None = None
        self._wanted_id: int | None = None
        self._match_seq = 0
        self._review_seq = 0
        self.last_report: ImportReport | None = None
        self.last_lists_report: ListsImportReport | None = None
        self.lists_dialog: ListsReportDialog | None = None
        self.loaded = False  # the first load has finished (until then: "Loading…")
        self.match_id: int | None = None  # the venue the pasted string resolved to
        self.history = ""  # the CCF history line of the venue shown
        self.all_deadlines: list[DeadlineRow] = []
        self.editions: list[str] = []
        self._own_changes: Changes | None = None
        self.notice = ""  # the last import's outcome, kept beside the counts

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_catalogue_tab(), tr("Catalogue"))
        self.tabs.addTab(self._build_deadlines_tab(), tr("Upcoming deadlines"))
        self.tabs.addTab(self._build_changes_tab(), tr("CCF changes"))
        self.status = QLabel()
        self.status.setObjectName("venues-status")
        layout.addWidget(self.status)

        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.deadline_model.tick)
        self.timer.start()

        self._match_timer = QTimer(self)
        self._match_timer.setSingleShot(True)
        self._match_timer.setInterval(250)
        self._match_timer.timeout.connect(self._run_match)

    # -- building ----------------------------------------------------------------------------
    def _build_catalogue_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search, or paste any venue string (NIPS, Proc. CVPR…)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.setMinimumWidth(240)
        bar.addWidget(self.search, 3)
        self.category = QComboBox()
        self.category.addItem(tr("All categories"), "")
        for cat in CATEGORIES:
            self.category.addItem(f"{cat.code} · {category_label(cat.code, current_language())}",
                                  cat.code)
        self.category.currentIndexChanged.connect(self._filters_changed)
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category.setMinimumContentsLength(16)
        bar.addWidget(self.category, 1)
        self.rank = QComboBox()
        self.rank.addItem(tr("All ranks"), "")
        for r in "ABC":
            self.rank.addItem(tr("CCF {rank}", rank=r), r)
        self.rank.currentIndexChanged.connect(self._filters_changed)
        bar.addWidget(self.rank)
        self.kind = QComboBox()
        self.kind.addItem(tr("Journals and conferences"), "")
        self.kind.addItem(tr("Journals"), "journal")
        self.kind.addItem(tr("Conferences"), "conference")
        self.kind.currentIndexChanged.connect(self._filters_changed)
        bar.addWidget(self.kind)
        self.publisher = QComboBox()
        self.publisher.addItem(tr("All publishers"), "")
        self.publisher.currentIndexChanged.connect(self._filters_changed)
        bar.addWidget(self.publisher, 1)
        self.update_lists_button = QPushButton(tr("Update rank lists"))
        self.update_lists_button.setToolTip(
            tr("Download the current CCF, JCR, CAS and warning lists and import those that "
               "changed"))
        self.update_lists_button.clicked.connect(lambda: self.update_lists())
        bar.addWidget(self.update_lists_button)
        outer.addLayout(bar)
        self.match_label = QLabel()
        self.match_label.setObjectName("venues-match")
        self.match_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.match_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.model = VenueTableModel()
        self.proxy = VenueFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)  # the catalogue's own order: category, rank, journals first
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        left_layout.addWidget(self.table)
        self.table_state = EmptyState(self.table)
        self.table_state.set_message(tr("Loading the catalogue…"))
        self.empty = QWidget()
        self.empty.setObjectName("venues-empty")
        empty_layout = QHBoxLayout(self.empty)
        empty_text = QLabel(tr("No venues yet. Download the current rank lists (CCF 2026, JCR, "
                               "CAS zones, warning lists) or import the official CCF "
                               "catalogue:"))
        empty_text.setWordWrap(True)
        empty_layout.addWidget(empty_text, 1)
        self.empty_update_button = QPushButton(tr("Update rank lists"))
        self.empty_update_button.clicked.connect(lambda: self.update_lists())
        empty_layout.addWidget(self.empty_update_button)
        import_button = QPushButton(tr("Import CCF catalogue…"))
        import_button.clicked.connect(self.import_catalogue)
        empty_layout.addWidget(import_button)
        left_layout.addWidget(self.empty)
        self.empty.hide()  # shown once the first load found no venue, never while loading
        splitter.addWidget(left)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 420])
        outer.addWidget(splitter, 1)
        return tab

    def _build_detail(self) -> QWidget:
        pane = QWidget()
        pane.setObjectName("venue-detail")
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel(tr("Choose a venue to see its ranks, metrics and deadlines."))
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setOpenExternalLinks(True)
        self.title.setObjectName("venue-title")
        layout.addWidget(self.title)
        self.review_summary = ReviewSummaryLabel()
        layout.addWidget(self.review_summary)

        chart_bar = QHBoxLayout()
        chart_bar.addWidget(QLabel(tr("History of")))
        self.chart_metric = QComboBox()
        self.chart_metric.currentIndexChanged.connect(self._draw_chart)
        chart_bar.addWidget(self.chart_metric, 1)
        layout.addLayout(chart_bar)
        self.plot = pg.PlotWidget()
        self.plot.setBackground("w")
        self.plot.setMinimumHeight(150)
        self.plot.setMaximumHeight(220)
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.setLabel("bottom", tr("Year"))
        self.plot.getAxis("bottom").setTickSpacing(major=1, minor=1)
        self.plot.getPlotItem().setDownsampling(auto=True, mode="peak")
        self.plot.getPlotItem().setClipToView(True)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.curves: dict[str, pg.PlotDataItem] = {}
        layout.addWidget(self.plot)

        self.metrics_model = MetricsTableModel()
        self.metrics_view = QTableView()
        self.metrics_view.setModel(self.metrics_model)
        self.metrics_view.verticalHeader().hide()
        self.metrics_view.setWordWrap(False)
        self.metrics_view.verticalHeader().setDefaultSectionSize(22)
        self.metrics_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.metrics_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.metrics_view, 2)
        buttons = QHBoxLayout()
        self.add_metric_button = QPushButton(tr("Add metric value…"))
        self.add_metric_button.clicked.connect(self.add_metric)
        self.delete_metric_button = QPushButton(tr("Delete value"))
        self.delete_metric_button.clicked.connect(self.delete_metric)
        buttons.addWidget(self.add_metric_button)
        buttons.addWidget(self.delete_metric_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        layout.addWidget(QLabel(tr("Deadlines")))
        self.venue_deadlines = DeadlineTableModel()
        self.venue_deadlines_view = QTableView()
        self.venue_deadlines_view.setModel(self.venue_deadlines)
        self.venue_deadlines_view.verticalHeader().hide()
        for col in (2, 6):
            self.venue_deadlines_view.hideColumn(col)
        self.venue_deadlines_view.horizontalHeader().setStretchLastSection(True)
        self.venue_deadlines_view.resizeColumnsToContents()  # headers never cut
        layout.addWidget(self.venue_deadlines_view, 1)
        self._set_detail_enabled(False)
        return pane

    def _build_deadlines_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        self.deadline_search = QLineEdit()
        self.deadline_search.setPlaceholderText(tr("Filter by venue"))
        self.deadline_search.setClearButtonEnabled(True)
        self.deadline_search.textChanged.connect(self._apply_deadline_filter)
        bar.addWidget(self.deadline_search, 2)
        self.ranked_only = QCheckBox(tr("CCF-ranked only"))
        self.ranked_only.toggled.connect(self._apply_deadline_filter)
        bar.addWidget(self.ranked_only)
        sync = QPushButton(tr("Sync deadlines…"))
        sync.clicked.connect(self.sync_from_folder)
        bar.addWidget(sync)
        sync_web = QPushButton(tr("Sync from ccfddl.github.io"))
        sync_web.clicked.connect(self.sync_online)
        bar.addWidget(sync_web)
        ics = QPushButton(tr("Export selected to calendar…"))
        ics.clicked.connect(self.export_ics)
        bar.addWidget(ics)
        layout.addLayout(bar)
        self.deadline_model = DeadlineTableModel()
        self.all_deadlines: list[DeadlineRow] = []
        self.deadline_view = QTableView()
        self.deadline_view.setModel(self.deadline_model)
        self.deadline_view.verticalHeader().hide()
        self.deadline_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.deadline_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.deadline_view.setAlternatingRowColors(True)
        header = self.deadline_view.horizontalHeader()
        header.setStretchLastSection(True)
        self.deadline_view.resizeColumnsToContents()
        remember_header(header, self.services.paths.home, "venues-deadlines")
        self.deadline_view.doubleClicked.connect(self._open_deadline_link)
        layout.addWidget(self.deadline_view, 1)
        self.deadline_hint = QLabel(
            tr("Deadlines are stored in UTC and shown in your time zone; "
               "“As announced” is the conference's own wording (AoE = UTC-12).")
        )
        self.deadline_hint.setWordWrap(True)
        layout.addWidget(self.deadline_hint)
        return tab

    def _build_changes_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("From edition")))
        self.changes_from = QComboBox()
        bar.addWidget(self.changes_from)
        bar.addWidget(QLabel(tr("to edition")))
        self.changes_to = QComboBox()
        bar.addWidget(self.changes_to)
        self.changes_summary = QLabel()
        self.changes_summary.setObjectName("ccf-changes-summary")
        bar.addWidget(self.changes_summary, 1)
        layout.addLayout(bar)
        self.changes_from.currentIndexChanged.connect(self.load_changes)
        self.changes_to.currentIndexChanged.connect(self.load_changes)
        self.changes_model = CcfChangesModel()
        self.changes_view = QTableView()
        self.changes_view.setModel(self.changes_model)
        self.changes_view.verticalHeader().hide()
        self.changes_view.setWordWrap(False)
        self.changes_view.setAlternatingRowColors(True)
        self.changes_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.changes_view, 1)
        self.changes_state = EmptyState(self.changes_view)
        return tab

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        svc = self.svc

        def load(_progress: Any) -> Loaded:
            venues = svc.list()
            labels = svc.rank_labels([v.id for v in venues]) if venues else {}
            return (venues, svc.upcoming(), svc.publishers(),
                    {int(k): v for k, v in labels.items()}, svc.ccf_editions())

        Task(load).on_success(self._loaded).start()

    def _loaded(self, result: Loaded) -> None:
        venues, deadlines, publishers, labels, editions = result
        selected = self._wanted_id
        first = not self.loaded
        self.loaded = True
        self.all_deadlines = deadlines
        self.model.set_rows(venues, labels)
        current = self.publisher.currentData()
        self.publisher.blockSignals(True)
        self.publisher.clear()
        self.publisher.addItem(tr("All publishers"), "")
        for name in publishers:
            self.publisher.addItem(name, name)
        index = self.publisher.findData(current)
        self.publisher.setCurrentIndex(max(0, index))
        self.publisher.blockSignals(False)
        self._apply_deadline_filter()
        self._filters_changed()
        self.empty.setVisible(not venues)
        if first and venues:
            self._size_columns()
        self._set_editions(editions)
        if selected is not None:
            self.select_venue(selected)
        elif self.proxy.rowCount() and self.table.currentIndex().row() < 0:
            self.table.selectRow(0)

    def _size_columns(self) -> None:
        """Columns as wide as their header and content (the full name capped), then the
        widths the user set last time, remembered from now on."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for col, cap in ((1, 260), (4, 230), (5, 120)):
            header.resizeSection(col, min(header.sectionSize(col), cap))
        remember_header(header, self.services.paths.home, "venues")

    def _search_changed(self, text: str) -> None:
        self.match_id = None  # the old match no longer holds
        if len(text.strip()) < 2:
            self._match_seq += 1  # a match still running answers a search that is gone
            self._match_timer.stop()
            self.match_label.clear()
        else:
            self._match_timer.start()
        self._filters_changed()

    def _filters_changed(self, *_args: object) -> None:
        self.proxy.set_filters(
            self.search.text(), self.category.currentData() or "", self.rank.currentData() or "",
            self.kind.currentData() or "", self.publisher.currentData() or "", self.match_id,
        )
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.status.setText(
            trn("{shown} of {n} venue shown", "{shown} of {n} venues shown", total,
                shown=f"{shown:,}")
            + " · " + trn("{n} upcoming deadline", "{n} upcoming deadlines",
                          len(self.all_deadlines))
            + (f" — {self.notice}" if self.notice else "")
        )
        if not self.loaded:
            self.table_state.set_message(tr("Loading the catalogue…"))
        elif total and not shown:
            self.table_state.set_message(
                tr("No venues match “{query}”.", query=self.search.text().strip())
                if self.search.text().strip() else tr("No venues match these filters."))
        else:
            self.table_state.set_message("")
        if self.loaded and not shown:
            self._clear_detail()

    def _clear_detail(self) -> None:
        """Nothing shown in the table: the detail pane shows no (unrelated) venue."""
        self.detail = None
        self._wanted_id = None
        self.history = ""
        self.title.setText(tr("Choose a venue to see its ranks, metrics and deadlines."))
        self._review_seq += 1  # a summary still loading belongs to the venue gone
        self.review_summary.clear()
        self.review_summary.venue_id = None
        self.metrics_model.set_rows([])
        self.venue_deadlines.set_rows([])
        self.chart_metric.blockSignals(True)
        self.chart_metric.clear()
        self.chart_metric.blockSignals(False)
        self._draw_chart()
        self._set_detail_enabled(False)

    def select_venue(self, venue_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(Qt.ItemDataRole.UserRole) == venue_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        venue_id = current.data(Qt.ItemDataRole.UserRole)
        self._wanted_id = venue_id
        svc = self.svc

        def load(_p: Any) -> tuple[VenueDetail, str]:
            detail = svc.detail(venue_id)
            return detail, svc.ccf_history(detail.venue) if detail.venue.ccf_all else ""

        Task(load).on_success(lambda r: self._show_detail(*r)).start()

    # -- detail ------------------------------------------------------------------------------
    def _set_detail_enabled(self, enabled: bool) -> None:
        self.add_metric_button.setEnabled(enabled)
        self.delete_metric_button.setEnabled(enabled)

    def _show_detail(self, detail: VenueDetail, history: str = "") -> None:
        if detail.venue.id != self._wanted_id:
            return  # the user moved on
        self.detail = detail
        self.history = history
        v = detail.venue
        lang = current_language()
        shown = v.ccf.edition if v.ccf else ""
        ranks = "<br>".join(
            f"<span style='color:{RANK_COLORS.get(r.rank, '#000')};font-weight:bold'>"
            f"CCF {r.rank}</span> · {category_label(r.category, lang)} · "
            + tr("{edition} edition", edition=r.edition)
            + (f" · <i>{_note_label(r.note)}</i>" if r.note else "")
            for r in v.ccf_all if r.edition == shown
        ) or tr("Not in the CCF catalogue")
        if history and len({r.edition for r in v.ccf_all}) > 1:
            ranks += "<br>" + tr("History: {history}", history=html.escape(history))
        label = self.model.labels.get(v.id)
        if label is not None and label.text:
            ranks += f"<br><b>{html.escape(label.text)}</b>"
        if label is not None and label.warned:
            ranks += (f"<br><span style='color:{WARNED_COLOR};font-weight:bold'>"
                      + html.escape(tr("On the newest warning list: {warning}",
                                       warning=label.warning)) + "</span>")
        dblp = f" · <a href='{v.dblp_url}'>DBLP</a>" if v.dblp_url else ""
        self.title.setText(
            f"<h3 style='margin:0'>{html.escape(v.abbr + ' — ' if v.abbr else '')}"
            f"{html.escape(v.name)}</h3>"
            f"{kind_label(v.kind)}{' · ' + html.escape(v.publisher) if v.publisher else ''}"
            f"{dblp}<br>{ranks}"
        )
        self._load_review_summary(detail)
        self.metrics_model.set_rows(list(detail.metrics))
        self.metrics_view.resizeColumnsToContents()
        metrics = sorted({m.metric for m in detail.metrics if m.number is not None})
        preferred = next(
            (m for m in ("impact_factor", "acceptance_rate", "cas_zone") if m in metrics),
            metrics[0] if metrics else None,
        )
        self.chart_metric.blockSignals(True)
        self.chart_metric.clear()
        for m in metrics:
            self.chart_metric.addItem(metric_label(m), m)
        if preferred:
            self.chart_metric.setCurrentIndex(self.chart_metric.findData(preferred))
        self.chart_metric.blockSignals(False)
        self._draw_chart()
        self.venue_deadlines.set_rows(
            sorted(detail.deadlines, key=lambda d: (d.year, d.kind), reverse=True)
        )
        self.venue_deadlines_view.resizeColumnsToContents()
        self._set_detail_enabled(True)

    def _load_review_summary(self, detail: VenueDetail) -> None:
        """Journals: the review-time summary (Review times area), loaded in the background."""
        v = detail.venue
        self._review_seq += 1
        if v.kind != "journal":
            self.review_summary.show_conference()
            return
        seq = self._review_seq
        names = [v.name, *detail.aliases]
        reviews = self.services.reviews

        def done(summary: JournalSummary | None) -> None:
            if seq == self._review_seq:  # else the user has moved on
                self.review_summary.show_summary(summary)

        def failed(exc: BaseException) -> None:
            logger.error("Loading the review-time summary failed", exc_info=exc)
            if seq == self._review_seq:
                self.review_summary.show_failure()

        if self.review_summary.venue_id != v.id:  # a reload of the same venue keeps its text
            self.review_summary.show_loading()
        self.review_summary.venue_id = v.id
        Task(lambda _p: reviews.summary_for(names), kind="db").on_success(done).on_failure(
            failed
        ).start()

    def on_changes(self, changes: Changes) -> None:
        if changes is self._own_changes:
            return  # the rank-list report that sent them has reloaded this page already
        super().on_changes(changes)
        if changes.touches(REVIEWS) and not changes.touches(self.area) and self.detail:
            self._load_review_summary(self.detail)

    def _draw_chart(self, *_args: object) -> None:
        metric = self.chart_metric.currentData()
        series: dict[str, list[tuple[int, float]]] = {}
        if self.detail is not None and metric:
            for m in self.detail.metrics:
                if m.metric == metric and m.number is not None:
                    # one line per list: JCR 2021 … JCR 2025 are the IF over the years
                    series.setdefault(source_family(m.source), []).append((m.year, m.number))
        self.legend.clear()
        for source in list(self.curves):
            if source not in series:
                self.curves[source].setData([], [])
                self.curves[source].hide()
        for _i, (source, points) in enumerate(sorted(series.items())):
            points.sort()
            curve = self.curves.get(source)
            if curve is None:
                color = CHART_COLORS[len(self.curves) % len(CHART_COLORS)]
                curve = pg.PlotDataItem([], [], pen=pg.mkPen(color, width=2), symbol="o",
                                        symbolSize=7, symbolBrush=color)
                self.plot.addItem(curve)
                self.curves[source] = curve
            curve.setData([p[0] for p in points], [p[1] for p in points])
            curve.show()
            self.legend.addItem(curve, source)
        self.plot.setLabel("left", metric_label(metric) if metric else "")
        years = [p[0] for points in series.values() for p in points]
        values = [p[1] for points in series.values() for p in points]
        if years:
            self.plot.setXRange(min(years) - 1, max(years) + 1, padding=0)
            low, high = min(values), max(values)
            margin = (high - low) * 0.15 or abs(high) * 0.2 or 1.0
            self.plot.setYRange(low - margin, high + margin, padding=0)
        else:  # nothing to draw: fresh axes, never the previous venue's
            this_year = date.today().year
            self.plot.setXRange(this_year - 5, this_year, padding=0)
            self.plot.setYRange(0, 1, padding=0)

    def add_metric(self) -> None:
        if self.detail is None:
            return
        venue = self.detail.venue
        dialog = MetricDialog(venue.label, self)
        if not dialog.exec():
            return
        metric, year, source, value, note = dialog.values()
        Task(lambda _p: self.svc.set_metric(venue.id, year, source, metric, value, note)
             ).with_progress(tr("Saving the metric")).start()

    def delete_metric(self) -> None:
        if self.detail is None:
            return
        rows = self.metrics_view.selectionModel().selectedRows()
        if not rows:
            return
        m = self.metrics_model.rows[rows[0].row()]
        Task(lambda _p: self.svc.delete_metric(m.venue_id, m.year, m.source, m.metric)).start()

    # -- matching ----------------------------------------------------------------------------
    def _run_match(self) -> None:
        text = self.search.text().strip()
        self._match_seq += 1
        seq = self._match_seq
        if len(text) < 2:
            self.match_label.clear()
            return

        def done(found: VenueMatch | None) -> None:
            if seq != self._match_seq:
                return
            if found is None:
                self.match_label.setText(tr("No catalogue venue matches “{query}”.", query=text))
                return
            v = found.venue
            rank = (tr("CCF {rank}", rank=v.ccf.rank) + f" ({v.ccf.category})") if v.ccf else \
                tr("not ranked by CCF")
            self.match_label.setText(
                tr("“{query}” → {venue} · {rank} · confidence {confidence}",
                   query=text, venue=v.abbr or v.name, rank=rank,
                   confidence=f"{found.confidence:.0%}")
            )
            self.show_match(v.id)

        Task(lambda _p: self.svc.match(text)).on_success(done).start()

    def show_match(self, venue_id: int) -> None:
        """The pasted string names this venue: list it (whatever the text filter says) and
        show it in the detail pane."""
        self.match_id = venue_id
        self._filters_changed()
        self.select_venue(venue_id)

    # -- CCF changes -------------------------------------------------------------------------
    def _set_editions(self, editions: list[str]) -> None:
        if editions == self.editions:
            return
        self.editions = list(editions)
        for box, default in ((self.changes_from, 1), (self.changes_to, 0)):
            box.blockSignals(True)
            box.clear()
            for edition in editions:
                box.addItem(edition, edition)
            box.setCurrentIndex(min(default, len(editions) - 1))
            box.blockSignals(False)
        self.load_changes()

    def load_changes(self, *_args: object) -> None:
        old, new = self.changes_from.currentData(), self.changes_to.currentData()
        if len(self.editions) < 2 or not old or not new:
            self.changes_model.set_rows([])
            self.changes_summary.clear()
            self.changes_state.set_message(
                tr("Import two CCF editions (Update rank lists) to compare them."))
            return
        if old == new:
            self.changes_model.set_rows([])
            self.changes_summary.clear()
            self.changes_state.set_message(tr("Choose two different editions."))
            return
        svc = self.svc
        Task(lambda _p: svc.ccf_changes(str(old), str(new))).on_success(
            lambda rows: self._show_changes(str(old), str(new), rows)).start()

    def _show_changes(self, old: str, new: str, rows: list[CcfChange]) -> None:
        if (self.changes_from.currentData(), self.changes_to.currentData()) != (old, new):
            return  # the user chose other editions meanwhile
        self.changes_model.set_rows(rows)
        counts = {c: sum(1 for r in rows if r.change == c)
                  for c in ("added", "removed", "upgraded", "downgraded", "renamed")}
        self.changes_summary.setText(tr(
            "{old} → {new}: {added} added, {removed} removed, {upgraded} upgraded, "
            "{downgraded} downgraded, {renamed} renamed", old=old, new=new, **counts))
        self.changes_state.set_message(tr("No changes.") if not rows else "")
        self.changes_view.resizeColumnsToContents()
        header = self.changes_view.horizontalHeader()
        header.resizeSection(2, min(header.sectionSize(2), 420))

    # -- rank lists --------------------------------------------------------------------------
    def update_lists(self) -> None:
        """Download the current rank-list files (Settings › rank-lists address) and import
        those that changed; progress and cancel in the status bar, a report per file."""
        svc = self.svc

        def run(progress: Any) -> ListsImportReport:
            return svc.update_lists(progress, cancel=lambda: progress.cancelled)

        Task(run, kind="io").with_progress(tr("Updating the rank lists")).on_success(
            self._show_lists_report).start()

    def import_lists(self, paths: list[str] | None = None, folder: bool = False) -> None:
        if not paths:
            if folder:
                chosen = QFileDialog.getExistingDirectory(
                    self, tr("Choose a folder of rank-list files (ShowJCR CSV)"))
                paths = [chosen] if chosen else []
            else:
                paths, _ = QFileDialog.getOpenFileNames(
                    self, tr("Import rank lists"), "",
                    tr("Rank lists (*.csv);;All files (*)"))
        if not paths:
            return
        targets = [Path(p) for p in paths]
        svc = self.svc
        Task(lambda p: svc.import_lists(targets, p)).with_progress(
            tr("Importing the rank lists")).on_success(self._show_lists_report).start()

    def _show_lists_report(self, report: ListsImportReport) -> None:
        self.last_lists_report = report
        self.notice = lists_report_summary(report)
        self._filters_changed()
        if any(not f.unchanged and not f.error for f in report.files):
            # this page reloads now; the other pages (Papers' rank column) hear of it
            self._own_changes = Changes.of(VENUES)
            self.refresh()
            TaskRunner.default().changes_applied.emit(self._own_changes)
        self.lists_dialog = ListsReportDialog(report, self)
        self.lists_dialog.open()  # not modal to the app: the page refreshes behind it

    # -- deadlines ---------------------------------------------------------------------------
    def _apply_deadline_filter(self, *_args: object) -> None:
        text = self.deadline_search.text().casefold().strip()
        rows = [
            r for r in self.all_deadlines
            if (not text or text in r.venue.casefold())
            and (not self.ranked_only.isChecked() or r.ccf_rank)
        ]
        self.deadline_model.set_rows(rows)

    def _open_deadline_link(self, index: QModelIndex) -> None:
        row = self.deadline_model.rows[index.row()]
        if row.link and not _testing():
            QDesktopServices.openUrl(QUrl(row.link))

    def selected_deadlines(self) -> list[DeadlineRow]:
        rows = sorted({i.row() for i in self.deadline_view.selectionModel().selectedRows()})
        return [self.deadline_model.rows[r] for r in rows] or list(self.deadline_model.rows)

    def export_ics(self, path: str | None = None) -> None:
        rows = self.selected_deadlines()
        if not rows:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, tr("Export deadlines"), "deadlines.ics", tr("iCalendar (*.ics)")
            )
        if not path:
            return
        target = Path(path)
        Task(lambda _p: self.svc.write_ics(rows, target)).on_success(
            lambda n: self.status.setText(trn("Wrote {n} deadline to {path}.", "Wrote {n} deadlines to {path}.", n, path=target))
        ).start()

    def sync_from_folder(self, folder: str | None = None) -> None:
        if not folder:
            folder = QFileDialog.getExistingDirectory(
                self, tr("Choose the ccf-deadlines folder (or its conference folder)")
            )
        if folder:
            self._run_import(lambda p: self.svc.sync_deadlines(Path(folder), p),
                             tr("Importing conference deadlines"))

    def sync_online(self) -> None:
        self._run_import(lambda p: self.svc.sync_deadlines(None, p),
                         tr("Downloading conference deadlines"), kind="io")

    # -- import / export ---------------------------------------------------------------------
    def import_catalogue(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, tr("Import the CCF catalogue"), "",
                tr("CCF catalogue (*.pdf *.csv);;All files (*)"),
            )
        if path:
            target = Path(path)
            self._run_import(lambda p: self.svc.import_ccf(target, p),
                             tr("Importing the CCF catalogue"))

    def download_catalogue(self) -> None:
        self._run_import(lambda p: self.svc.download_ccf(None, p),
                         tr("Downloading the CCF catalogue"), kind="io")

    def import_metrics(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, tr("Import venue metrics"), "", tr("CSV files (*.csv);;All files (*)")
            )
        if path:
            target = Path(path)
            self._run_import(lambda p: self.svc.import_metrics(target, p),
                             tr("Importing venue metrics"))

    def export_catalogue(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, tr("Export the CCF catalogue"), "ccf_catalogue.csv", tr("CSV files (*.csv)")
            )
        if path:
            target = Path(path)
            Task(lambda _p: self.svc.export_ccf(target)).on_success(
                lambda n: self.status.setText(
                    trn("Wrote {n} catalogue row to {path}.", "Wrote {n} catalogue rows to {path}.", n, path=target))
            ).start()

    def _run_import(self, fn: Any, label: str, kind: str = "db") -> None:
        Task(fn, kind=kind).with_progress(label).on_success(self._show_report).start()

    def _show_report(self, report: ImportReport) -> None:
        self.last_report = report
        text = tr("{imported} imported, {updated} updated, {skipped} unchanged.",
                  imported=report.imported, updated=report.updated, skipped=report.skipped)
        if report.errors:
            text += " " + trn("{n} problem (see details).", "{n} problems (see details).", len(report.errors))
        self.status.setText(text)
        if report.errors and not _testing():
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(tr("Import finished with problems"))
            box.setText(text)
            box.setDetailedText("\n".join(
                f"{e.source} [{e.record}]: {e.message}" for e in report.errors[:500]
            ))
            box.exec()

    def import_actions(self) -> list[QAction]:
        actions = []
        for label, slot in (
            (tr("Rank lists (ShowJCR CSV files)…"), self.import_lists),
            (tr("Rank lists (a folder of files)…"), lambda: self.import_lists(folder=True)),
            (tr("CCF catalogue (PDF or CSV)…"), self.import_catalogue),
            (tr("Download the official CCF catalogue"), self.download_catalogue),
            (tr("Conference deadlines (ccf-deadlines folder)…"), self.sync_from_folder),
            (tr("Conference deadlines from ccfddl.github.io"), self.sync_online),
            (tr("Venue metrics (CSV)…"), self.import_metrics),
        ):
            action = QAction(label, self)
            action.triggered.connect(lambda _=False, s=slot: s())
            actions.append(action)
        return actions

    def export_actions(self) -> list[QAction]:
        actions = []
        for label, slot in (
            (tr("CCF catalogue (CSV)…"), self.export_catalogue),
            (tr("Upcoming deadlines (iCalendar)…"), self.export_ics),
        ):
            action = QAction(label, self)
            action.triggered.connect(lambda _=False, s=slot: s())
            actions.append(action)
        return actions


def _note_label(note: str) -> str:
    if note == "new":
        return tr("new in 2022")
    if note == "upgraded":
        return tr("upgraded in 2022")
    return note
