"""The Review times page: "how long will this journal take?", answered from the dates printed
on real articles.

Filters (journal by ISSN or name, interval, acceptance date range, keyword in title/abstract)
at the top; summary cards (median days, n, the n < 20 warning, the journal's official figure)
for the four intervals; then tabs: plots (histogram, box plot per interval, median by year),
the article table (double-click opens the DOI), the excluded/flagged list with reasons, the
per-year table and a side-by-side comparison of journals. Collecting from the network runs as
an "io" task with progress and cancel; everything else loads as a "db" task.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.errors import ScholarDeskError
from scholardesk.core.i18n import tr, trn
from scholardesk.domain.reviews import INTERVALS, ArticleQuery, IntervalStats, JournalInfo
from scholardesk.gui.errors import show_error
from scholardesk.gui.page_base import Page
from scholardesk.gui.reviews.dialogs import CollectDialog, CollectRequest, ManualEntryDialog
from scholardesk.gui.reviews.plots import ReviewPlots
from scholardesk.gui.reviews.table_models import (
    SORT_ROLE,
    ArticlesModel,
    StatsModel,
    interval_label,
)
from scholardesk.gui.tasks import Task
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

WARNING_STYLE = "color: #b45309;"
ERROR_STYLE = "color: #b91c1c;"


class SummaryCard(QFrame):
    """Median days, n and warnings of one interval."""

    def __init__(self, interval: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.interval = interval
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("reviewCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.title = QLabel(interval_label(interval))
        self.title.setStyleSheet("font-weight: bold;")
        self.value = QLabel("—")
        self.value.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.detail = QLabel("")
        self.official = QLabel("")
        self.warning = QLabel("")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        # Wrapped, so four cards fit side by side on a 1280-pixel screen.
        self.detail.setWordWrap(True)
        self.official.setWordWrap(True)
        for w in (self.title, self.value, self.detail, self.official, self.warning):
            layout.addWidget(w)

    def show_stats(self, s: IntervalStats) -> None:
        if s.n and s.median_days is not None:
            self.value.setText(tr("{days} days (median)", days=f"{s.median_days:.0f}"))
            self.detail.setText(
                tr("n = {n} · mean {mean} · P25–P75 {p25}–{p75} · excluded {excluded}",
                   n=s.n, mean=f"{s.mean_days:.0f}", p25=f"{s.p25_days:.0f}",
                   p75=f"{s.p75_days:.0f}", excluded=s.excluded)
            )
        else:
            self.value.setText("—")
            self.detail.setText(tr("n = 0 · excluded {excluded}", excluded=s.excluded))
        if s.official_days:
            self.official.setText(tr("Official figure: {days} days", days=f"{s.official_days:.0f}"))
            self.official.setToolTip(s.official_note)
        else:
            self.official.setText("")
        self.warning.setText(
            tr("Fewer than 20 articles: the figures are unreliable.") if s.warning else ""
        )


def _table(model: Any, sortable: bool = True) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(sortable)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view, proxy


class ReviewsPage(Page):
    area = "reviews"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.svc = services.reviews
        self.view_data: Any = None
        self.journals: list[JournalInfo] = []
        self.loaded_count = 0  # how many loads finished (tests wait on it)
        self._collect_task: Task[Any] | None = None
        self._loading = False
        self._reload = False
        self._keep_message = False  # the next load leaves an action's result message alone

        # --- filters ---
        self.journal = QComboBox()
        self.journal.setEditable(True)
        self.journal.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.journal.setMinimumContentsLength(28)
        self.journal.setMinimumWidth(300)
        self.journal.lineEdit().setPlaceholderText(tr("ISSN or journal name"))
        self.journal.addItem(tr("All journals"), "")
        self.journal.activated.connect(lambda _i: self.refresh())
        self.journal.lineEdit().returnPressed.connect(self.refresh)
        self.interval = QComboBox()
        for name in INTERVALS:
            self.interval.addItem(interval_label(name), name)
        self.interval.currentIndexChanged.connect(lambda _i: self.refresh())
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText(tr("accepted from"))
        self.date_from.setMaximumWidth(110)
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText(tr("accepted to"))
        self.date_to.setMaximumWidth(110)
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText(tr("keyword in title/abstract"))
        self.keyword.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self.refresh)
        for edit in (self.keyword, self.date_from, self.date_to):
            edit.textChanged.connect(lambda _t: self._debounce.start())

        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Journal")))
        filters.addWidget(self.journal, 3)
        filters.addWidget(QLabel(tr("Interval")))
        filters.addWidget(self.interval)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        filters.addWidget(self.keyword, 2)

        # --- actions ---
        self.collect_button = QPushButton(tr("Collect…"))
        self.collect_button.setToolTip(tr("Collect the dates of a journal's recent articles "
                                          "from Crossref, PubMed or publisher pages"))
        self.collect_button.clicked.connect(lambda: self.collect())
        self.cancel_button = QPushButton(tr("Cancel collection"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_collect)
        self.import_button = QPushButton(tr("Import files…"))
        self.import_button.clicked.connect(lambda: self.import_files())
        self.add_button = QPushButton(tr("Add article…"))
        self.add_button.clicked.connect(lambda: self.add_manual())
        self.mine_button = QPushButton(tr("Add my submissions"))
        self.mine_button.setToolTip(tr(
            "Add your own accepted manuscripts (Submissions page) to their journals' statistics "
            "as the source \u201cmy submissions\u201d; run again to bring them up to date"))
        self.mine_button.clicked.connect(lambda: self.import_my_submissions())
        self.export_button = QToolButton()
        self.export_button.setText(tr("Export"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for action in self.export_actions():
            menu.addAction(action)
        self.export_button.setMenu(menu)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        for w in (self.collect_button, self.cancel_button, self.import_button, self.add_button,
                  self.mine_button, self.export_button):
            actions.addWidget(w)
        actions.addWidget(self.message, 1)

        # --- summary cards ---
        self.cards = {name: SummaryCard(name) for name in INTERVALS}
        cards = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, i)

        # --- tabs ---
        self.plots = ReviewPlots()
        self.articles_model = ArticlesModel()
        self.articles_view, self.articles_proxy = _table(self.articles_model)
        self.articles_view.doubleClicked.connect(self._open_article)
        self.articles_view.setToolTip(tr("Double-click a row to open the article's DOI"))
        self.excluded_model = ArticlesModel()
        self.excluded_view, _ = _table(self.excluded_model)
        self.excluded_view.doubleClicked.connect(self._open_excluded)
        self.years_model = StatsModel()
        self.years_view, _ = _table(self.years_model, sortable=False)
        self.compare_model = StatsModel()
        self.compare_view, _ = _table(self.compare_model, sortable=False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.plots, tr("Plots"))
        self.tabs.addTab(self.articles_view, tr("Articles"))
        self.tabs.addTab(self.excluded_view, tr("Excluded / flagged"))
        self.tabs.addTab(self.years_view, tr("By year"))
        self.tabs.addTab(self.compare_view, tr("Compare journals"))

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addLayout(cards)
        layout.addWidget(self.tabs, 1)

    # --- loading -------------------------------------------------------------------------

    def current_interval(self) -> str:
        return str(self.interval.currentData() or "received-accepted")

    def current_journal(self) -> str:
        text = self.journal.currentText().strip()
        index = self.journal.findText(text)
        if index >= 0:
            return str(self.journal.itemData(index) or "")
        return text

    def current_query(self) -> ArticleQuery:
        def date(edit: QLineEdit) -> dt.date | None:
            from scholardesk.domain.dates import parse_date

            parsed = parse_date(edit.text())
            return parsed.date if parsed is not None else None

        return ArticleQuery(
            journal=self.current_journal(),
            keyword=self.keyword.text().strip(),
            date_from=date(self.date_from),
            date_to=date(self.date_to),
        )

    def refresh(self) -> None:
        if self._loading:
            self._reload = True
            return
        self._loading = True
        q = self.current_query()
        interval = self.current_interval()
        svc = self.svc
        # The first load opens on the journal with the most articles rather than a mix of all
        # of them: chosen inside the load, so the cards, label and combo show the same journal.
        pick_largest = self.loaded_count == 0 and not q.journal
        picked = self._picked_journal()

        def load(progress: Any) -> tuple[list[JournalInfo], Any, list[IntervalStats]]:
            journals = svc.journals()
            query = q
            if pick_largest and journals:
                query = replace(q, journal=journals[0].query)
            elif picked and picked not in {info.query for info in journals}:
                query = replace(q, journal="")  # the journal chosen is gone (deleted)
            view = svc.view(query, interval)
            compare: list[IntervalStats] = []
            for info in journals[:30]:
                compare.extend(svc.stats(info.query, interval, keyword=q.keyword))
            return journals, view, compare

        Task(load, kind="db").with_progress(tr("Loading review times")).on_success(
            self._loaded
        ).on_failure(self._load_failed).start()

    def _finish_load(self) -> None:
        self._loading = False
        self.loaded_count += 1
        if self._reload:
            self._reload = False
            self.refresh()

    def _load_failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(exc.message if isinstance(exc, ScholarDeskError) else str(exc))
        if not isinstance(exc, ScholarDeskError):
            logger.error("Loading review times failed", exc_info=exc)
        self._finish_load()

    def _loaded(self, result: tuple[list[JournalInfo], Any, list[IntervalStats]]) -> None:
        journals, view, compare = result
        self.journals = journals
        self.view_data = view
        self._fill_journals(journals, view.query.journal)
        for s in view.stats:
            self.cards[s.interval].show_stats(s)
        interval = self.current_interval()
        current = next(s for s in view.stats if s.interval == interval)
        self.plots.show_histogram(interval, view.values[interval], current.median_days)
        self.plots.show_boxes(view.stats)
        years, medians, _counts = view.trend[interval]
        self.plots.show_trend(years, medians)
        self.articles_model.set_rows(view.rows)
        self.excluded_model.set_rows(view.excluded_rows)
        self.years_model.set_rows(view.by_year)
        self.compare_model.set_rows(compare)
        self.articles_view.resizeColumnsToContents()
        self.articles_view.setColumnWidth(1, min(420, self.articles_view.columnWidth(1)))
        self.excluded_view.resizeColumnsToContents()
        self.years_view.resizeColumnsToContents()
        self.compare_view.resizeColumnsToContents()
        self.tabs.setTabText(1, tr("Articles ({n})", n=len(view.rows)))
        self.tabs.setTabText(2, tr("Excluded / flagged ({n})", n=len(view.excluded_rows)))
        if self._keep_message:
            self._keep_message = self._reload  # kept through the reload that is queued
        elif not self._collect_task:
            self.message.setStyleSheet("")
            self.message.setText(view.journal_label if view.rows else tr(
                "No articles yet: collect a journal's dates or import files."))
        self._finish_load()

    def _picked_journal(self) -> str | None:
        """The key of the journal chosen from the list ("" = all), None when text was typed."""
        index = self.journal.currentIndex()
        if index >= 0 and self.journal.itemText(index) == self.journal.currentText():
            return str(self.journal.itemData(index) or "")
        return None

    def _fill_journals(self, journals: list[JournalInfo], shown: str = "") -> None:
        """Refill the combo; a journal chosen from the list stays chosen while it exists,
        otherwise the combo shows what was loaded (``shown``: its key, "" = all journals)."""
        text = self.journal.currentText()
        picked = self._picked_journal()
        self.journal.blockSignals(True)
        self.journal.clear()
        self.journal.addItem(tr("All journals"), "")
        for info in journals:
            self.journal.addItem(f"{info.label} — {info.articles}", info.query)
        if picked is not None:
            index = self.journal.findData(shown)
            if index < 0:
                index = self.journal.findData(picked)
            self.journal.setCurrentIndex(max(0, index))
        else:
            index = self.journal.findText(text)
            if index >= 0:
                self.journal.setCurrentIndex(index)
            else:
                self.journal.setEditText(text)
        # a long name reads from its start, not scrolled to its end
        self.journal.lineEdit().setCursorPosition(0)
        self.journal.blockSignals(False)

    def select_journal(self, query: str) -> None:
        """Show one journal (by ISSN/name), as if chosen in the combo box."""
        index = self.journal.findData(query)
        if index >= 0:
            self.journal.setCurrentIndex(index)
        else:
            self.journal.setEditText(query)
        self.refresh()

    # --- articles ------------------------------------------------------------------------

    def open_url(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    def _open_article(self, index: Any) -> None:
        row = self.articles_model.row(self.articles_proxy.mapToSource(index).row())
        if row.history.doi_url.startswith(("http://", "https://")):  # not "submission:N"
            self.open_url(row.history.doi_url)

    def _open_excluded(self, index: Any) -> None:
        proxy = self.excluded_view.model()
        row = self.excluded_model.row(proxy.mapToSource(index).row())  # type: ignore[attr-defined]
        if row.history.doi_url.startswith(("http://", "https://")):
            self.open_url(row.history.doi_url)

    # --- my submissions --------------------------------------------------------------------

    def import_my_submissions(self) -> None:
        """Bring the user's accepted manuscripts in (or up to date) as "my submissions"."""
        svc = self.svc

        def done(result: Any) -> None:
            r = result.report
            text = tr("My submissions: imported {imported}, updated {updated}, unchanged "
                      "{skipped}, removed {removed}.", imported=r.imported, updated=r.updated,
                      skipped=r.skipped, removed=result.removed)
            if not result.records:
                text = tr("No accepted manuscripts in Submissions yet.")
            self.message.setStyleSheet(WARNING_STYLE if r.errors else "")
            self.message.setText(text)
            self.mine_button.setEnabled(True)
            if result.changes:
                self._keep_message = True
                self.refresh()

        def failed(exc: BaseException) -> None:
            self.mine_button.setEnabled(True)
            show_error(self, exc, tr("Add my submissions"))

        self.mine_button.setEnabled(False)
        Task(lambda p: svc.import_my_submissions(p), kind="db").with_progress(
            tr("Adding my submissions")
        ).on_success(done).on_failure(failed).start()

    # --- collecting ----------------------------------------------------------------------

    def collect(self, request: CollectRequest | None = None) -> None:
        if request is None:
            dialog = CollectDialog(self.current_journal(), self)
            if dialog.exec() != CollectDialog.DialogCode.Accepted:
                return
            request = dialog.request()
        if not request.journal:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(tr("Name the journal to collect (ISSN or name)."))
            return
        svc = self.svc
        task = Task(
            lambda progress: svc.collect(request.journal, request.source,
                                         request.date_from or None, request.date_to or None,
                                         request.max_articles, progress),
            kind="io",
        ).with_progress(tr("Collecting review dates")).on_success(self._collected)
        task.on_failure(self._collect_failed)
        # a cancelled task reaches no callback, so watch the runner for its end as well
        task.runner.task_finished.connect(self._task_finished)
        self._collect_task = task
        self.collect_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.message.setStyleSheet("")
        self.message.setText(tr("Collecting {journal}…", journal=request.journal))
        task.start()

    def _task_finished(self, task: Any) -> None:
        if task is not self._collect_task:
            return
        task.runner.task_finished.disconnect(self._task_finished)
        if task.progress.cancelled:
            self._collect_done()
            self.message.setStyleSheet("")
            self.message.setText(tr("Collection cancelled; start it again to continue."))
            self.refresh()

    def cancel_collect(self) -> None:
        if self._collect_task is not None:
            self._collect_task.cancel()

    def _collect_done(self) -> None:
        self._collect_task = None
        self.collect_button.setEnabled(True)
        self.cancel_button.setVisible(False)

    def _collected(self, result: Any) -> None:
        self._collect_done()
        r = result.report
        text = tr("{journal}: imported {imported}, updated {updated}, skipped {skipped}, "
                  "{errors} errors.", journal=result.journal, imported=r.imported,
                  updated=r.updated, skipped=r.skipped, errors=len(r.errors))
        if not result.done:
            text += " " + tr("Not finished: collect again to continue.")
        self.message.setStyleSheet("")
        self.message.setText(text)
        if result.journal and not self.current_journal():
            self.select_journal(result.journal)

    def _collect_failed(self, exc: BaseException) -> None:
        self._collect_done()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(exc.message if isinstance(exc, ScholarDeskError) else str(exc))
        show_error(self, exc, tr("Collecting review dates"))
        self.refresh()

    # --- import, manual entry, export ---------------------------------------------------------

    def import_files(self, files: list[Path] | None = None, journal: str = "") -> None:
        if files is None:
            names, _ = QFileDialog.getOpenFileNames(
                self, tr("Import review dates"), "",
                tr("Article data (*.json *.xml *.nxml *.html *.htm *.pdf *.csv);;All files (*)"),
            )
            if not names:
                return
            files = [Path(n) for n in names]
        svc = self.svc
        chosen = journal or self.current_journal()

        def done(report: Any) -> None:
            text = tr("Imported {imported}, updated {updated}, skipped {skipped}.",
                      imported=report.imported, updated=report.updated, skipped=report.skipped)
            if report.errors:
                text += " " + trn("{n} problem:", "{n} problems:", len(report.errors)) + " " + "; ".join(
                    f"{Path(e.source).name}: {e.message}" for e in report.errors[:3])
            self.message.setStyleSheet(WARNING_STYLE if report.errors else "")
            self.message.setText(text)
            if report.imported or report.updated:
                self.refresh()

        Task(lambda p: svc.import_files(files, chosen, p), kind="db").with_progress(
            tr("Importing review dates")
        ).on_success(done).start()

    def add_manual(self, fields: dict[str, str] | None = None) -> None:
        if fields is None:
            dialog = ManualEntryDialog(self.current_journal(), self)
            if dialog.exec() != ManualEntryDialog.DialogCode.Accepted:
                return
            fields = dialog.fields()
        from scholardesk.services.reviews import history_from_fields

        svc = self.svc
        entry = fields

        def done(_report: Any) -> None:
            self.message.setStyleSheet("")
            self.message.setText(tr("Saved."))
            self.refresh()

        Task(lambda p: svc.add_manual(history_from_fields(entry)), kind="db").on_success(
            done
        ).start()

    def import_actions(self) -> list[QAction]:
        action = QAction(tr("Review dates (Crossref, PubMed, JATS, pages, PDF, CSV)…"), self)
        action.triggered.connect(lambda: self.import_files())
        return [action]

    def export_actions(self) -> list[QAction]:
        summary = QAction(tr("Review-time summary (CSV/XLSX/JSON)…"), self)
        summary.triggered.connect(lambda: self.export_summary())
        articles = QAction(tr("Review-time articles (CSV/XLSX/JSON)…"), self)
        articles.triggered.connect(lambda: self.export_articles())
        plots = QAction(tr("Review-time plots (PNG/SVG)…"), self)
        plots.triggered.connect(lambda: self.export_plots())
        return [summary, articles, plots]

    def _ask_path(self, title: str, filters: str, default: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, title, default, filters)
        return Path(name) if name else None

    def export_summary(self, path: Path | None = None) -> None:
        path = path or self._ask_path(tr("Export review-time summary"),
                                      tr("Tables (*.csv *.xlsx *.json)"), "review-times.xlsx")
        if path is None or self.view_data is None:
            return
        stats = list(self.view_data.stats) + list(self.view_data.by_year)
        svc = self.svc
        target = path
        Task(lambda p: svc.export_stats(target, stats), kind="db").on_success(
            lambda out: self.message.setText(tr("Saved {path}", path=str(out)))
        ).start()

    def export_articles(self, path: Path | None = None) -> None:
        path = path or self._ask_path(tr("Export review-time articles"),
                                      tr("Tables (*.csv *.xlsx *.json)"), "review-articles.csv")
        if path is None:
            return
        svc = self.svc
        q = self.current_query()
        target = path
        Task(lambda p: svc.export_articles(target, q), kind="db").on_success(
            lambda out: self.message.setText(tr("Saved {path}", path=str(out)))
        ).start()

    def export_plots(self, path: Path | None = None) -> None:
        path = path or self._ask_path(tr("Export plots"), tr("Images (*.png *.svg)"),
                                      "review-times.png")
        if path is None:
            return
        try:
            self.plots.export(path)
        except OSError as exc:
            show_error(self, exc, tr("Export plots"))
            return
        self.message.setText(tr("Saved {path}", path=str(path)))
