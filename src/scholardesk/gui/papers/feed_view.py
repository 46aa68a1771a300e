"""The New view: what the arXiv subscriptions brought, ranked by what the user reads, triaged at
the keyboard (issue #15).

Newest batch first, best first within a batch; one line per work with its score, why it
scored, authors, categories and venue. Rules as chips above the table (click one to remove
it). Keys on the table: A add to the library (asks the tag, the suggested ones offered), N not
interested, S skip, O open the PDF, J/K (or the arrows) move. A row is "seen" once it has been
the current row. Ranking and updates run through ``Task``; after feedback the ranking is redone
in the background a moment later, and the current paper stays current.

Testable without blocking dialogs: ``prompt_tag`` (row, suggestions) → tag or None, and
``opener`` (QUrl) are attributes a test replaces.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr, trn
from scholardesk.core.progress import Progress
from scholardesk.domain.changes import PAPERS, Changes
from scholardesk.domain.papers_feed_entries import (
    EXCLUDE,
    FOLLOW_AUTHOR,
    INCLUDE,
    MUTE_CATEGORY,
    FeedRule,
    FeedStatus,
)
from scholardesk.gui.page_base import Page
from scholardesk.gui.papers.feed_table_model import COLUMN_KEYS, FeedTableModel
from scholardesk.gui.tasks import Task
from scholardesk.gui.widgets.empty_state import EmptyState
from scholardesk.gui.widgets.flow_layout import flow_container
from scholardesk.services.context import Services
from scholardesk.services.papers_feed import FeedRow, FeedUpdateReport, FeedView

logger = logging.getLogger(__name__)

RERANK_DELAY_MS = 1200  # feedback in quick succession retrains once


def rule_kind_label(kind: str) -> str:
    return {
        INCLUDE: tr("Include keyword"),
        EXCLUDE: tr("Exclude keyword"),
        FOLLOW_AUTHOR: tr("Follow author"),
        MUTE_CATEGORY: tr("Mute category"),
    }.get(kind, kind)


def chip_text(rule: FeedRule) -> str:
    prefix = {INCLUDE: "+", EXCLUDE: "−", FOLLOW_AUTHOR: "@", MUTE_CATEGORY: "⊘"}.get(rule.kind, "")
    return f"{prefix} {rule.value}  ✕"


def banner_text(status: FeedStatus) -> str:
    when = (status.last_success_at.strftime("%Y-%m-%d %H:%M")
            if status.last_success_at else "")
    if status.last_error:
        if when:
            return tr("Could not update: {why} — showing what was fetched on {when}.",
                      why=status.last_error, when=when)
        return tr("Could not update: {why}", why=status.last_error)
    if when:
        text = tr("Last updated {when}.", when=when)
        if status.last_malformed:
            text += " " + trn("{n} entry could not be read (skipped)",
                              "{n} entries could not be read (skipped)", status.last_malformed)
        return text
    return tr("Never updated: press Update to ask arXiv for the subscriptions' new papers.")


def method_text(view: FeedView) -> str:
    if view.method == "model":
        return trn("Ranked by a model of your library: {n} paper tagged, rated or read",
                   "Ranked by a model of your library: {n} papers tagged, rated or read",
                   view.positives)
    return trn("Ranked by keywords and rules: only {n} paper tagged, rated or read (a model "
               "needs 5)",
               "Ranked by keywords and rules: only {n} papers tagged, rated or read (a model "
               "needs 5)", view.positives)


class _TriageTable(QTableView):
    """A table whose letter keys go to the page's triage first."""

    def __init__(self, handler: Callable[[QKeyEvent], bool]) -> None:
        super().__init__()
        self._handler = handler
        self.resized: Callable[[], None] = lambda: None

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.resized()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        if not self._handler(event):
            super().keyPressEvent(event)


class FeedPage(Page):
    area = "feed"  # its page name; it follows the papers area's changes (on_changes)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.svc = services.papers_feed
        self.loaded_count = 0  # how many rankings were shown (tests wait on it)
        self.view_result: FeedView | None = None
        self.rules: list[FeedRule] = []
        self.library_tags: list[str] = []
        self.prompt_tag: Callable[[FeedRow, Sequence[str]], str | None] = self._ask_tag
        self.opener: Callable[[QUrl], object] = QDesktopServices.openUrl
        self._loading = False
        self._again = False
        self._keep_key: str | None = None

        # -- top: status banner and update ---------------------------------------------------
        self.banner = QLabel()
        self.banner.setObjectName("feed-banner")
        self.banner.setWordWrap(True)
        self.update_button = QPushButton(tr("Update from arXiv"))
        self.update_button.setObjectName("feed-update")
        self.update_button.clicked.connect(self.update_feed)
        top = QHBoxLayout()
        top.addWidget(self.banner, 1)
        top.addWidget(self.update_button)

        # -- rules: chips and an add row ------------------------------------------------------
        # chips wrap onto more lines when there are many (they used to squeeze the row)
        self.chips_widget, self.chips_box = flow_container(spacing=4)
        self.rule_kind = QComboBox()
        for kind in (INCLUDE, EXCLUDE, FOLLOW_AUTHOR, MUTE_CATEGORY):
            self.rule_kind.addItem(rule_kind_label(kind), kind)
        self.rule_value = QLineEdit()
        self.rule_value.setObjectName("feed-rule-value")
        self.rule_value.setPlaceholderText(tr("keyword, author or category, e.g. conformer"))
        self.rule_value.setMinimumWidth(280)
        self.rule_value.returnPressed.connect(self.add_rule_from_fields)
        self.rule_add = QPushButton(tr("Add rule"))
        self.rule_add.clicked.connect(self.add_rule_from_fields)
        rules_row = QHBoxLayout()
        rules_label = QLabel(tr("Rules:"))
        rules_row.addWidget(rules_label, 0, Qt.AlignmentFlag.AlignTop)
        rules_row.addWidget(self.chips_widget, 1)
        rules_row.addWidget(self.rule_kind, 0, Qt.AlignmentFlag.AlignTop)
        rules_row.addWidget(self.rule_value, 0, Qt.AlignmentFlag.AlignTop)
        rules_row.addWidget(self.rule_add, 0, Qt.AlignmentFlag.AlignTop)

        # -- the method note and the keys -----------------------------------------------------
        self.method_label = QLabel()
        self.method_label.setObjectName("feed-method")
        self.method_label.setStyleSheet("color: gray;")
        self.keys_label = QLabel(tr("A add to library · N not interested · S skip · "
                                    "O open PDF · J/K move"))
        self.keys_label.setStyleSheet("color: gray;")
        notes = QHBoxLayout()
        notes.addWidget(self.method_label, 1)
        notes.addWidget(self.keys_label)

        # -- the table and the paper ------------------------------------------------------------
        self.model = FeedTableModel()
        self.table = _TriageTable(self._triage_key)
        self.table.setObjectName("feed-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        widths = {"score": 48, "title": 380, "why": 210, "authors": 150, "categories": 100,
                  "venue": 120, "arrived": 96}
        for i, key in enumerate(COLUMN_KEYS):
            header.resizeSection(i, widths[key])
        self._widths = widths
        self.table.resized = self._fit_columns
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.empty = EmptyState(self.table)
        self.detail = QTextBrowser()
        self.detail.setObjectName("feed-detail")
        self.detail.setOpenExternalLinks(False)
        self.detail.anchorClicked.connect(lambda url: self.opener(url))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(rules_row)
        layout.addLayout(notes)
        layout.addWidget(split, 1)

        self._rerank = QTimer(self)
        self._rerank.setSingleShot(True)
        self._rerank.setInterval(RERANK_DELAY_MS)
        self._rerank.timeout.connect(self.refresh)

    def _fit_columns(self) -> None:
        """Title and Why share the room the other columns leave (3 : 2)."""
        header = self.table.horizontalHeader()
        fixed = sum(w for k, w in self._widths.items() if k not in ("title", "why"))
        room = self.table.viewport().width() - fixed
        if room < 500:
            room = 500
        header.resizeSection(COLUMN_KEYS.index("title"), room * 3 // 5)
        header.resizeSection(COLUMN_KEYS.index("why"), room - room * 3 // 5)

    # -- loading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        svc, papers = self.svc, self.services.papers

        def load(progress: Progress) -> tuple[FeedView, list[FeedRule], list[str]]:
            view = svc.view(progress=progress)
            return view, svc.rules(), [t for t, _n in papers.facets().tags]

        (Task(load, kind="io").with_progress(tr("Ranking new papers…"))
         .on_success(self._show).on_failure(self._load_failed).start())

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        from scholardesk.gui.errors import show_error

        show_error(self, exc, title=tr("Ranking new papers…"))

    def _show(self, loaded: tuple[FeedView, list[FeedRule], list[str]]) -> None:
        self._loading = False
        view, rules, tags = loaded
        keep = self._keep_key or (self.current_row().work_key if self.current_row() else None)
        self._keep_key = None
        self.view_result, self.rules, self.library_tags = view, rules, tags
        self.model.set_rows(view.rows)
        self.banner.setText(banner_text(view.status))
        self.banner.setStyleSheet("color: #b00020;" if view.status.last_error else "")
        self.method_label.setText(method_text(view))
        self._show_chips()
        self.empty.set_message(
            tr("Nothing new to triage. Follow arXiv categories on the Papers page "
               "(Subscriptions…), then press Update.") if view.status.entries == 0
            else tr("All caught up: every new paper has been triaged."))
        self.empty.update_visibility()
        row = self.model.row_of(keep) if keep else -1
        self._select(row if row >= 0 else 0)
        self.loaded_count += 1
        if self._again:
            self._again = False
            self.refresh()

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(PAPERS):
            self._rerank.start()  # several changes in a row: one ranking

    # -- rules ----------------------------------------------------------------------------------
    def _show_chips(self) -> None:
        while self.chips_box.count():
            item = self.chips_box.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        for rule in self.rules:
            chip = QToolButton()
            chip.setObjectName("feed-chip")
            chip.setText(chip_text(rule))
            chip.setToolTip(tr("{kind}: {value} — click to remove",
                               kind=rule_kind_label(rule.kind), value=rule.value))
            chip.setStyleSheet("QToolButton { border: 1px solid #8aa; border-radius: 9px; "
                               "padding: 1px 8px; }")
            chip.clicked.connect(lambda _=False, r=rule: self.remove_rule(r))
            self.chips_box.addWidget(chip)

    def chips(self) -> list[str]:
        return [self.chips_box.itemAt(i).widget().text()  # type: ignore[union-attr]
                for i in range(self.chips_box.count())]

    def add_rule_from_fields(self) -> None:
        value = self.rule_value.text().strip()
        if not value:
            return
        kind = str(self.rule_kind.currentData())
        svc = self.svc
        self.rule_value.clear()
        Task(lambda _p: svc.add_rule(kind, value)).on_success(lambda _ok: self.refresh()).start()

    def remove_rule(self, rule: FeedRule) -> None:
        svc = self.svc
        Task(lambda _p: svc.remove_rule(rule.kind, rule.value)).on_success(
            lambda _ok: self.refresh()).start()

    # -- update from arXiv ----------------------------------------------------------------------
    def update_feed(self) -> None:
        svc = self.svc
        self.update_button.setEnabled(False)

        def done(report: FeedUpdateReport) -> None:
            self.update_button.setEnabled(True)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.update_button.setEnabled(True)
            from scholardesk.gui.errors import show_error

            show_error(self, exc, title=tr("Update from arXiv"))

        (Task(lambda p: svc.update(p), kind="io").with_progress(tr("Asking arXiv for new papers…"))
         .on_success(done).on_failure(failed).start())

    # -- the current paper ----------------------------------------------------------------------
    def current_row(self) -> FeedRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _select(self, row: int) -> None:
        if self.model.rowCount() == 0:
            self.detail.clear()
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))

    def _current_changed(self, current: object, _previous: object) -> None:
        row = self.current_row()
        if row is None:
            self.detail.clear()
            return
        self.detail.setHtml(self._detail_html(row))
        if not row.seen:
            self.model.mark_seen(row.work_key)
            svc, key = self.svc, row.work_key
            Task(lambda _p: svc.mark_seen([key])).start()

    @staticmethod
    def _detail_html(row: FeedRow) -> str:
        from html import escape

        parts = [f"<b>{escape(row.title)}</b>", escape(", ".join(row.authors))]
        meta = [row.arxiv_id, " ".join(row.categories)]
        if row.venue:
            meta.append(row.venue)
        if row.published:
            meta.append(row.published)
        parts.append(f"<span style='color:gray'>{escape(' · '.join(meta))}</span>")
        if row.reasons:
            parts.append(escape(tr("why: {reasons}", reasons="; ".join(row.reasons))))
        if row.pdf_url:
            parts.append(f"<a href='{escape(row.pdf_url)}'>{escape(tr('Open PDF'))}</a>")
        parts.append(escape(row.abstract))
        return "<br>".join(parts)

    # -- triage ---------------------------------------------------------------------------------
    def _triage_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_A: self.add_current,
            Qt.Key.Key_N: self.not_interested_current,
            Qt.Key.Key_S: self.skip_current,
            Qt.Key.Key_O: self.open_current,
            Qt.Key.Key_J: lambda: self.move(1),
            Qt.Key.Key_K: lambda: self.move(-1),
        }
        action = actions.get(Qt.Key(key))
        if action is None:
            return False
        action()
        return True

    def move(self, step: int) -> None:
        index = self.table.currentIndex()
        self._select((index.row() if index.isValid() else -1) + step)

    def _after_feedback(self, row: FeedRow) -> None:
        at = self.model.remove(row.work_key)
        self._select(at)
        following = self.current_row()
        self._keep_key = following.work_key if following else None
        self.empty.update_visibility()

    def _feedback(self, row: FeedRow, fn: Callable[[Progress], Changes]) -> None:
        self._after_feedback(row)
        Task(fn).start()  # its Changes re-rank the view (debounced) and refresh the library

    def add_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        suggestions = list(row.tags_suggested) + [
            t for t in self.library_tags if t not in row.tags_suggested]
        tag = self.prompt_tag(row, suggestions)
        if not tag:
            return
        svc, arxiv_id = self.svc, row.arxiv_id
        self._feedback(row, lambda _p: svc.like(arxiv_id, tag))

    def not_interested_current(self) -> None:
        row = self.current_row()
        if row is not None:
            svc, arxiv_id = self.svc, row.arxiv_id
            self._feedback(row, lambda _p: svc.not_interested(arxiv_id))

    def skip_current(self) -> None:
        row = self.current_row()
        if row is not None:
            svc, arxiv_id = self.svc, row.arxiv_id
            self._feedback(row, lambda _p: svc.skip(arxiv_id))

    def open_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        url = row.pdf_url or f"https://arxiv.org/pdf/{row.arxiv_id}"
        self.opener(QUrl(url))

    def _ask_tag(self, row: FeedRow, suggestions: Sequence[str]) -> str | None:
        tag, ok = QInputDialog.getItem(
            self, tr("Add to library"),
            tr("Tag for “{title}”:", title=row.title[:80]),
            list(suggestions) or [""], 0, True,
        )
        return tag.strip() if ok and tag.strip() else None
