"""The detail pane of the Papers page: one paper, where it came from, and the user's fields.

With nothing selected it shows only a hint (never the last paper's values in disabled fields).
The action buttons sit below the scrolling part so they stay visible on a small screen and in
longer (Chinese) labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
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


class PaperDetail(QWidget):
    """One paper: what it is, where it came from, and the user's own fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paper: Paper | None = None
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

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.scroll, 1)
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
                 "json": "JSON", "sample": tr("sample")}
        sources = [f"{kinds.get(p.source_kind, p.source_kind)}: {Path(p.source_ref).name or p.source_ref}"
                   + (f" [{p.record_ref}]" if p.record_ref else "") for p in paper.provenance]
        self.sources.setText(tr("Sources: {sources}", sources="; ".join(sources)) if sources else "")

    def show_published(self, proposal: Proposal | None) -> None:
        text = published_text(proposal)
        self.published.setText(text)
        self.published.setVisible(bool(text))

    def show_history(self, text: str) -> None:
        self.history.setText(text)
        self.history.setVisible(bool(text))
