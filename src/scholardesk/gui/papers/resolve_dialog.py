"""The review of "Find published versions": one line per paper with a proposed published
version (current venue/year → proposed venue, year, DOI, pages, sources, confidence), a
checkbox each, and the candidates the resolver rejected with their reasons (tooltip and the
area below the table). Nothing changes until the user accepts; the page applies the chosen
proposals through ``PapersResolveService.apply`` in a Task."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr, trn
from scholardesk.domain.papers import PaperRow
from scholardesk.domain.published_versions import AMBIGUOUS, NOT_FOUND, PUBLISHED, Proposal
from scholardesk.gui.papers.detail import source_names

CHECKED_CONFIDENCE = 0.85  # proposals at or above this start checked (as `papers resolve --apply`)


def _columns() -> list[str]:
    return [tr("Paper"), tr("Now"), tr("Proposed venue"), tr("Year"), tr("DOI"), tr("Pages"),
            tr("Sources"), tr("Confidence")]


def evidence_html(p: Proposal) -> str:
    """What the resolver weighed for one paper: the rejected candidates and the notes."""
    parts = [f"<b>{escape(p.title)}</b>"]
    if p.status == AMBIGUOUS:
        parts.append(f"<p>{escape(tr('The sources disagree: check before accepting.'))}</p>")
    if p.rejected:
        items = "".join(
            f"<li>{escape(source_names([r.source]))}: “{escape(r.title)}”"
            f"{escape(' · ' + r.venue if r.venue else '')}"
            f"{escape(f' {r.year}' if r.year else '')} — <i>{escape(r.reason)}</i></li>"
            for r in p.rejected)
        parts.append(f"<p>{escape(tr('Rejected candidates:'))}</p><ul>{items}</ul>")
    if p.notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in p.notes)
        parts.append(f"<p>{escape(tr('Notes:'))}</p><ul>{items}</ul>")
    if len(parts) == 1:
        parts.append(f"<p>{escape(tr('No candidate was rejected.'))}</p>")
    return "".join(parts)


class ResolveDialog(QDialog):
    """Review proposed published versions; ``accept_requested`` / ``dismiss_requested``
    carry proposal ids (the page does the work and calls ``remove``)."""

    accept_requested = Signal(list)
    dismiss_requested = Signal(list)

    def __init__(self, proposals: Sequence[Proposal], rows: Mapping[int, PaperRow],
                 checked_total: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Published versions"))
        self.resize(1200, 620)
        every = list(proposals)
        self.proposals = [p for p in every if p.status in (PUBLISHED, AMBIGUOUS)
                          and p.state == "pending"]
        self._rows = dict(rows)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary(every, checked_total))
        self.summary.setObjectName("resolve-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.table = QTableWidget(0, len(_columns()))
        self.table.setObjectName("resolve-table")
        self.table.setHorizontalHeaderLabels(_columns())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate((300, 140, 200, 50, 150, 80, 140, 80)):
            if col:
                self.table.setColumnWidth(col, width)
        self.evidence = QTextBrowser()
        self.evidence.setObjectName("resolve-evidence")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.evidence)
        splitter.setSizes([400, 150])
        layout.addWidget(splitter, 1)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_evidence(row))
        self._fill()

        self.accept_selected = QPushButton(tr("Accept selected"))
        self.accept_all = QPushButton(tr("Accept all"))
        self.dismiss = QPushButton(tr("Dismiss"))
        self.dismiss.setToolTip(tr("Forget the checked proposals; the papers stay as they are"))
        self.close_button = QPushButton(tr("Close"))
        self.accept_selected.clicked.connect(lambda: self._request(self.checked_ids(), True))
        self.accept_all.clicked.connect(
            lambda: self._request([p.id for p in self.proposals], True))
        self.dismiss.clicked.connect(lambda: self._request(self.checked_ids(), False))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.accept_selected, self.accept_all, self.dismiss):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- content -------------------------------------------------------------------------------
    @staticmethod
    def _summary(every: Sequence[Proposal], checked_total: int | None) -> str:
        pending = sum(p.status in (PUBLISHED, AMBIGUOUS) and p.state == "pending" for p in every)
        unpublished = sum(p.status == NOT_FOUND for p in every)
        skipped = sum(p.status not in (PUBLISHED, AMBIGUOUS, NOT_FOUND) for p in every)
        parts = []
        if checked_total is not None:
            parts.append(trn("{n} paper checked.", "{n} papers checked.", checked_total))
        parts.append(trn("{n} published version to review.", "{n} published versions to review.",
                         pending))
        if unpublished:
            parts.append(trn("{n} paper not published (yet).", "{n} papers not published (yet).",
                             unpublished))
        if skipped:
            parts.append(trn("{n} paper skipped (no title).", "{n} papers skipped (no title).",
                             skipped))
        return " ".join(parts)

    def _fill(self) -> None:
        self.table.setRowCount(len(self.proposals))
        for r, p in enumerate(self.proposals):
            row = self._rows.get(p.paper_id)
            now = " ".join(x for x in ((row.venue or (f"arXiv:{row.arxiv_id}" if row.arxiv_id
                                                      else "")) if row else "",
                                       str(row.year) if row and row.year else "") if x)
            cells = [p.title, now or "—", p.venue, str(p.year or ""), p.doi or "", p.pages,
                     source_names(p.sources), f"{p.confidence:.2f}"]
            tip = evidence_html(p)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if c == 0:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(
                        Qt.CheckState.Checked if p.status == PUBLISHED
                        and p.confidence >= CHECKED_CONFIDENCE else Qt.CheckState.Unchecked)
                    item.setData(Qt.ItemDataRole.UserRole, p.id)
                if p.status == AMBIGUOUS and c in (2, 7):
                    item.setForeground(QColor("#b26a00"))
                if c in (3, 7):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        self.table.itemChanged.connect(lambda _i: self._update_buttons())
        if self.proposals:
            self.table.setCurrentCell(0, 0)
            self._show_evidence(0)
        else:
            self.evidence.setPlainText(tr("Nothing to review."))

    def _show_evidence(self, row: int) -> None:
        if 0 <= row < len(self.proposals):
            self.evidence.setHtml(evidence_html(self.proposals[row]))

    def checked_ids(self) -> list[int]:
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_checked(self, proposal_ids: Sequence[int]) -> None:
        wanted = set(proposal_ids)
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None:
                item.setCheckState(Qt.CheckState.Checked if int(item.data(
                    Qt.ItemDataRole.UserRole)) in wanted else Qt.CheckState.Unchecked)

    def remove(self, proposal_ids: Sequence[int]) -> None:
        """Applied or dismissed: those lines leave the table."""
        gone = set(proposal_ids)
        for r in reversed(range(self.table.rowCount())):
            item = self.table.item(r, 0)
            if item is not None and int(item.data(Qt.ItemDataRole.UserRole)) in gone:
                self.table.removeRow(r)
        self.proposals = [p for p in self.proposals if p.id not in gone]
        if not self.proposals:
            self.evidence.setPlainText(tr("Nothing left to review."))
        else:
            self._show_evidence(max(self.table.currentRow(), 0))
        self._update_buttons()

    def _request(self, ids: list[int], accept: bool) -> None:
        if not ids:
            return
        (self.accept_requested if accept else self.dismiss_requested).emit(ids)

    def _update_buttons(self) -> None:
        checked = bool(self.checked_ids())
        self.accept_selected.setEnabled(checked)
        self.dismiss.setEnabled(checked)
        self.accept_all.setEnabled(bool(self.proposals))
