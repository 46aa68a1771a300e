"""The detail pane of the Papers page: one paper, where it came from, and the user's fields.

With nothing selected it shows only a hint (never the last paper's values in disabled fields).
The action buttons sit below the scrolling part so they stay visible on a small screen and in
longer (Chinese) labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr
from scholardesk.domain.papers import LINK_KINDS, READING_STATUSES, Paper
from scholardesk.domain.published_versions import NOT_FOUND, Proposal
from scholardesk.domain.venues import VenueMetric
from scholardesk.gui.papers.table_model import status_label
from scholardesk.services.zotero_import import ReviewDates, attached_pdf, zotero_link

CITATION_STYLES = (("gbt7714", "GB/T 7714"), ("apa", "APA"), ("ieee", "IEEE"), ("bibtex", "BibTeX"))
SOURCE_NAMES = {"semanticscholar": "Semantic Scholar", "dblp": "DBLP", "openalex": "OpenAlex",
                "crossref": "Crossref", "arxiv": "arXiv"}
HISTORY_YEARS = 6  # per-year values shown in the detail pane (newest first)


def source_names(sources: Iterable[str]) -> str:
    return ", ".join(SOURCE_NAMES.get(s, s) for s in sources)


def published_text(proposal: Proposal | None) -> str:
    """The detail pane's line about the published version, from the resolver's answer."""
    if proposal is None or proposal.checked_at is None:
        return ""
    date = proposal.checked_at.date().isoformat()
    if proposal.status == NOT_FOUND:
        return tr("Not published as of {date}", date=date)
    if proposal.status not in ("published", "ambiguous") or proposal.state == "dismissed":
        return ""
    where = " ".join(x for x in (proposal.venue, str(proposal.year or "")) if x)
    if proposal.doi:
        where += f" ({proposal.doi})"
    if proposal.state == "applied":
        return tr("Published in: {where} — found {date} via {sources}", where=where, date=date,
                  sources=source_names(proposal.sources))
    return tr("Perhaps published in: {where} — found {date} via {sources}, waiting for your "
              "review", where=where, date=date, sources=source_names(proposal.sources))


def history_text(ccf_line: str, metrics: Iterable[VenueMetric]) -> str:
    """The venue's history for the detail pane: the CCF editions ("IJCAI · CCF B (2026) · A
    (2022)"), then per year (newest first) its CAS zone, JCR quartile, IF and warning."""
    years: dict[int, dict[str, VenueMetric]] = {}
    for m in metrics:
        if m.metric in ("cas_zone", "top", "jcr_quartile", "impact_factor", "warning"):
            years.setdefault(m.year, {}).setdefault(m.metric, m)
    lines = [ccf_line] if ccf_line else []
    for year in sorted(years, reverse=True)[:HISTORY_YEARS]:
        got = years[year]
        parts = []
        zone = got.get("cas_zone")
        if zone is not None:
            top = got.get("top")
            number = int(zone.number) if zone.number is not None else zone.value
            parts.append(f"{number}区" + (" Top" if top is not None and top.value == "yes" else ""))
        if "jcr_quartile" in got:
            parts.append(got["jcr_quartile"].value)
        impact = got.get("impact_factor")
        if impact is not None:
            parts.append(f"IF {impact.number:g}" if impact.number is not None else
                         f"IF {impact.value}")
        if "warning" in got:
            parts.append(tr("warning list: {reason}", reason=got["warning"].value))
        if parts:
            lines.append(f"{year}: " + " · ".join(parts))
    return "\n".join(lines)


def citation_menu(parent: QWidget) -> tuple[QMenu, dict[str, object]]:
    """The "Copy citation" menu (detail pane and context menu): one action per style."""
    menu = QMenu(tr("Copy citation"), parent)
    actions = {style: menu.addAction(label) for style, label in CITATION_STYLES}
    return menu, actions


def review_dates_text(result: ReviewDates) -> str:
    """The detail pane's line after reading review dates from the attached PDF."""
    name = Path(result.file).name
    if not result.found:
        text = tr("No review dates found in {file}.", file=name)
        return "\n".join([text, *(e.message for e in result.errors[:1])])
    labels = {"received": tr("received"), "revised": tr("revised"), "accepted": tr("accepted"),
              "online": tr("online"), "published": tr("published")}
    dates = ", ".join(f"{labels[k]} {v}" for k, v in result.dates.items() if k in labels)
    text = tr("From {file}: {dates}.", file=name, dates=dates)
    if result.stored in ("imported", "updated"):
        text += " " + tr("Added to the review times of {journal}.", journal=result.journal)
    elif result.stored == "unchanged":
        text += " " + tr("Already in the review times.")
    for e in result.errors:
        text += "\n" + e.message
    return text


class PaperDetail(QWidget):
    """One paper: what it is, where it came from, and the user's own fields.

    ``opener`` opens a URL outside the app (QDesktopServices.openUrl; tests give their own)."""

    def __init__(self, parent: QWidget | None = None,
                 opener: Callable[[QUrl], object] | None = None) -> None:
        super().__init__(parent)
        self.paper: Paper | None = None
        self.opener: Callable[[QUrl], object] = opener or QDesktopServices.openUrl
        self.pdf_path: Path | None = None  # the attached PDF when it is on this computer
        self.stack = QStackedWidget()
        self.placeholder = QLabel(tr("Select a paper to see its details."))
        self.placeholder.setObjectName("paper-placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: gray;")
        self.stack.addWidget(self.placeholder)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel()
        self.title.setObjectName("paper-title")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.authors = QLabel()
        self.where = QLabel()
        self.published = QLabel()  # "published in …" once the resolver found the published version
        self.published.setObjectName("paper-published")
        self.history = QLabel()  # the venue's ranks per list and year
        self.history.setObjectName("paper-venue-history")
        self.history.setStyleSheet("color: #555;")
        self.ids = QLabel()
        self.ids.setOpenExternalLinks(True)
        for w in (self.title, self.authors, self.where, self.published, self.history, self.ids):
            w.setWordWrap(True)
            # wrapped labels must not ask for more width than the pane has
            w.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            w.setMinimumWidth(1)
            layout.addWidget(w)
        self.abstract = QTextBrowser()
        self.abstract.setObjectName("paper-abstract")
        self.abstract.setMinimumHeight(100)
        layout.addWidget(self.abstract, 1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.status = QComboBox()
        for s in READING_STATUSES:
            self.status.addItem(status_label(s), s)
        self.rating = QSpinBox()
        self.rating.setRange(0, 5)
        self.rating.setSuffix(" ★")
        self.rating.setSpecialValueText(tr("not rated"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(tr("comma-separated, e.g. asr, to-cite"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("paper-notes")
        self.notes.setMaximumHeight(90)
        self.links: dict[str, QLineEdit] = {}
        form.addRow(tr("Status"), self.status)
        form.addRow(tr("Rating"), self.rating)
        form.addRow(tr("Tags"), self.tags)
        form.addRow(tr("Notes"), self.notes)
        link_labels = {"url": tr("Web page"), "pdf": tr("PDF"), "code": tr("Code"),
                       "openreview": tr("OpenReview"), "project": tr("Project page")}
        for kind in LINK_KINDS:
            edit = QLineEdit()
            edit.setPlaceholderText("https://…")
            self.links[kind] = edit
            form.addRow(link_labels[kind], edit)
        for w in (self.status, self.rating, self.tags, *self.links.values()):
            w.setMinimumWidth(60)  # the form shrinks with the pane instead of being clipped
        layout.addLayout(form)
        self.sources = QLabel()
        self.sources.setWordWrap(True)
        self.sources.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sources.setStyleSheet("color: gray;")
        layout.addWidget(self.sources)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(body)

        self.save = QPushButton(tr("Save"))
        self.save.setObjectName("paper-save")
        self.open = QPushButton(tr("Open in browser"))
        self.cite = QPushButton(tr("Copy citation"))
        cite_menu, self.cite_actions = citation_menu(self.cite)
        self.cite.setMenu(cite_menu)
        buttons = QHBoxLayout()
        for b in (self.save, self.open, self.cite):
            buttons.addWidget(b)
        buttons.addStretch(1)
        # A paper from Zotero: its PDF, its item in Zotero, the review dates in its PDF.
        self.open_pdf = QPushButton(tr("Open PDF"))
        self.open_pdf.setObjectName("paper-open-pdf")
        self.open_zotero = QPushButton(tr("Open in Zotero"))
        self.open_zotero.setObjectName("paper-open-zotero")
        self.open_zotero.setToolTip(tr("Show this item in the Zotero window"))
        self.review_dates = QPushButton(tr("Read review dates"))
        self.review_dates.setObjectName("paper-review-dates")
        self.open_pdf.clicked.connect(self.open_attached_pdf)
        self.open_zotero.clicked.connect(self.open_in_zotero)
        # two rows: the three labels side by side do not fit a 300-pixel pane
        attachment = QHBoxLayout()
        for b in (self.open_pdf, self.open_zotero):
            attachment.addWidget(b)
        attachment.addStretch(1)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.review_dates)
        dates_row.addStretch(1)
        self.review_result = QLabel()
        self.review_result.setObjectName("paper-review-result")
        self.review_result.setWordWrap(True)
        self.review_result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.review_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.scroll, 1)
        content_layout.addLayout(attachment)
        content_layout.addLayout(dates_row)
        content_layout.addWidget(self.review_result)
        content_layout.addLayout(buttons)
        self.stack.addWidget(content)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.show_paper(None)

    def show_paper(self, paper: Paper | None) -> None:
        self.paper = paper
        if paper is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.title.setText(paper.title)
        self.authors.setText(", ".join(paper.authors))
        where = " · ".join(x for x in (paper.venue, str(paper.year or "")) if x)
        self.where.setText(where)
        self.published.setText("")
        self.published.setVisible(False)
        self.history.setText("")
        self.history.setVisible(False)
        parts = []
        if paper.arxiv_id:
            version = f"v{paper.arxiv_version}" if paper.arxiv_version else ""
            parts.append(f'<a href="https://arxiv.org/abs/{paper.arxiv_id}">arXiv:{paper.arxiv_id}{version}</a>')
        if paper.doi:
            parts.append(f'<a href="https://doi.org/{paper.doi}">doi:{paper.doi}</a>')
        if paper.categories:
            parts.append(" ".join(paper.categories))
        self.ids.setText(" · ".join(parts))
        self.abstract.setPlainText(paper.abstract or tr("(no abstract)"))
        self.status.setCurrentIndex(max(0, self.status.findData(paper.status)))
        self.rating.setValue(paper.rating)
        self.tags.setText(", ".join(paper.tags))
        self.notes.setPlainText(paper.notes)
        for kind, edit in self.links.items():
            edit.setText(paper.links.get(kind, ""))
        kinds = {"bibtex": "BibTeX", "arxiv": "arXiv", "crossref": "Crossref",
                 "json": "JSON", "csl": "CSL JSON", "sample": tr("sample")}
        sources = [f"{kinds.get(p.source_kind, p.source_kind)}: {Path(p.source_ref).name or p.source_ref}"
                   + (f" [{p.record_ref}]" if p.record_ref else "") if p.source_kind != "zotero"
                   else f"Zotero [{p.record_ref}]" for p in paper.provenance]
        self.sources.setText(tr("Sources: {sources}", sources="; ".join(sources)) if sources else "")
        self._show_attachment(paper)

    def _show_attachment(self, paper: Paper) -> None:
        """Open PDF / Open in Zotero / Read review dates, for a paper that has them."""
        pdf = attached_pdf(paper)
        link = zotero_link(paper)
        self.review_result.setText("")
        self.review_result.setVisible(False)
        self.open_zotero.setVisible(bool(link))
        for b in (self.open_pdf, self.review_dates):
            b.setVisible(pdf is not None or bool(link))
        here = pdf is not None and pdf.is_file()
        self.pdf_path = pdf if here else None
        for b in (self.open_pdf, self.review_dates):
            b.setEnabled(here)
        if pdf is None:
            why = tr("This paper has no PDF attachment.")
            self.open_pdf.setToolTip(why)
            self.review_dates.setToolTip(why)
        elif not here:
            why = tr("The PDF is not on this computer: {path}. Let Zotero download it (open it "
                     "once in Zotero), then select the paper again.", path=str(pdf))
            self.open_pdf.setToolTip(why)
            self.review_dates.setToolTip(why)
        else:
            self.open_pdf.setToolTip(str(pdf))
            self.review_dates.setToolTip(tr(
                "Read the received / revised / accepted dates printed in {file} into the "
                "review times", file=pdf.name))

    def attachment_buttons(self) -> tuple[QPushButton, ...]:
        """Open PDF, Open in Zotero, Read review dates (the table's menu offers them too)."""
        return (self.open_pdf, self.open_zotero, self.review_dates)

    def open_attached_pdf(self) -> None:
        if self.pdf_path is not None:
            self.opener(QUrl.fromLocalFile(str(self.pdf_path)))

    def open_in_zotero(self) -> None:
        link = zotero_link(self.paper) if self.paper is not None else ""
        if link:
            self.opener(QUrl(link))

    def show_review_dates(self, result: ReviewDates) -> None:
        if self.paper is None or self.paper.id != result.paper_id:
            return
        self.review_result.setText(review_dates_text(result))
        self.review_result.setVisible(True)

    def show_published(self, proposal: Proposal | None) -> None:
        text = published_text(proposal)
        self.published.setText(text)
        self.published.setVisible(bool(text))

    def show_history(self, text: str) -> None:
        self.history.setText(text)
        self.history.setVisible(bool(text))
